#!/usr/bin/env python3
"""`compliance status` over a folder of N descriptors (copies of the six examples with their
evidence), as a fresh process (issue 8 target: 1,000 descriptors <= 5 s on the 2-core machine).
Not a test: prints the figures.

    python benchmarks/bench_status.py [--count 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        fleet = Path(tmp) / "fleet"
        for index in range(args.count):
            source = examples[index % len(examples)]
            folder = fleet / f"team-{index // 50:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder / "evidence").exists():
                shutil.copytree(ROOT / "examples" / "evidence", folder / "evidence")
            text = source.read_text("utf-8").replace("\n  id: ", f"\n  id: s{index:04d}-", 1)
            (folder / f"system-{index:04d}.yaml").write_text(text, "utf-8")
        cmd = [sys.executable, "-m", "compliance", "status", str(fleet), "--as-of", "2026-11-25", "--format", "json"]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                sys.exit(proc.stderr[-2000:])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"status over {args.count} descriptors: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}), peak RSS of a process {peak:.0f} MB")
    print("target: <= 5 s for 1,000 descriptors")


if __name__ == "__main__":
    main()
