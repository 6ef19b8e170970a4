"""Peak RSS of ``hfkit transcribe`` on a 30-minute recording built by joining real speech.

Run: .venv/bin/python bench/memory_bench.py [--minutes 30] [--batch-size 8]
The transcription runs in a child process; its peak RSS (ru_maxrss) is reported against the 1 GB target.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, real_speech, today, write_wav


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wav(Path(tmp) / "long.wav", real_speech(args.minutes * 60))
        command = [sys.executable, "-m", "hfkit.cli.main", "transcribe", str(path), "-q", "--format", "json",
                   "-o", tmp, "--batch-size", str(args.batch_size)]
        start = time.perf_counter()
        subprocess.run(command, check=True)
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"# memory benchmark, {today()}, {machine()}")
    print(f"{args.minutes:.0f} min recording, batch {args.batch_size}: peak RSS {peak_mb:.0f} MB (target <= 1024 MB), "
          f"wall {elapsed:.0f} s, RTF {elapsed / (args.minutes * 60):.3f}")


if __name__ == "__main__":
    main()
