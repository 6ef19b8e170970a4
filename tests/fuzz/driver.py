"""Run many ``hfkit`` command lines in one child process (cheap: the imports are paid once) and print one JSON line
per case: exit code, stderr, stdout, seconds and the process's peak RSS so far. Cases come as JSON on stdin:
[{"argv": [...], "stdin": "<base64>", "env": {...}}, ...]."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import resource
import sys
import time
import traceback


def run_case(case: dict[str, object]) -> dict[str, object]:
    from hfkit.cli import main as cli

    main = cli.main

    saved_env = dict(os.environ)
    os.environ.update({str(k): str(v) for k, v in dict(case.get("env") or {}).items()})  # type: ignore[call-overload]
    data = base64.b64decode(str(case.get("stdin") or ""))
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    err, out = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main([str(a) for a in case["argv"]])  # type: ignore[attr-defined]
    except SystemExit as exc:
        code = int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else 1
    except BaseException:
        err.write(traceback.format_exc())
        code = -1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    return {"rc": code, "stderr": err.getvalue(), "stdout": out.getvalue()[-2000:],
            "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    from hfkit.cli import main as cli

    cli._register_commands()
    cli._register_commands = lambda: None  # once: registering again would add every command a second time
    for case in json.load(sys.stdin):
        print(json.dumps(run_case(case)), file=sys.__stdout__, flush=True)


if __name__ == "__main__":
    main()
