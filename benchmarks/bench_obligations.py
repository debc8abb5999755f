#!/usr/bin/env python3
"""Wall time of `compliance obligations` per example as a fresh process (issue 3 target: <= 0.5 s
per call on the 2-core reference machine), plus the in-process split between loading the rule
data and evaluating it. Not a test: prints a table.

    python benchmarks/bench_obligations.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from compliance.law.engine import assess
    from compliance.law.rulebook import load_rulebook
    from compliance.descriptor.validation import load_descriptor_file

    start = time.perf_counter()
    book = load_rulebook(ROOT / "jurisdictions")
    load_s = time.perf_counter() - start
    print(f"rule data: {len(book.rules)} rules loaded in {load_s * 1000:.0f} ms (in process)")
    print(f"{'example':<42} {'process (median)':>16} {'evaluate':>9}")
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        cmd = [sys.executable, "-m", "compliance", "obligations", str(example), "--as-of", "2026-11-25"]
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        descriptor = load_descriptor_file(example).descriptor
        t0 = time.perf_counter()
        assess(descriptor, book, dt.date(2026, 11, 25))
        evaluate_s = time.perf_counter() - t0
        print(f"{example.name:<42} {statistics.median(times):>15.3f}s {evaluate_s * 1000:>7.0f}ms")
    print("target: <= 0.5 s per call")


if __name__ == "__main__":
    main()
