#!/usr/bin/env python3
"""Benchmark `compliance validate` against check-jsonschema with our generated schema, on the same
files, side by side in one run (issue 2 targets: one file <= 0.7x, 1,000 files <= 0.2x, peak
memory < 100 MB). Both run as fresh processes. Not a test: prints a table.

    python benchmarks/bench_validate.py [--runs 5] [--files 1000]
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
SAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MB) of the child processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"command failed: {' '.join(cmd[:4])}…\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    if not shutil.which("check-jsonschema"):
        sys.exit("install check-jsonschema first: pip install -e '.[bench]'")
    schema = ROOT / "schemas" / "ai-system.schema.json"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = SAMPLE.read_text("utf-8")
        # evidence paths are relative to the descriptor: copy the evidence folder alongside
        shutil.copytree(ROOT / "examples" / "evidence", folder / "evidence")
        files = []
        for index in range(args.files):
            path = folder / f"system-{index:04d}.yaml"
            path.write_text(text.replace("id: ", f"id: s{index}-", 1), "utf-8")
            files.append(str(path))
        ours = [sys.executable, "-m", "compliance", "validate", "-q"]
        theirs = ["check-jsonschema", "--schemafile", str(schema)]
        rows = []
        for label, count in (("1 file", 1), (f"{args.files} files", args.files)):
            runs = args.runs if count == 1 else max(1, args.runs // 2)
            ours_t, ours_mem = timed(ours + files[:count], runs)
            theirs_t, _ = timed(theirs + files[:count], runs)
            rows.append((label, ours_t, theirs_t, ours_t / theirs_t, ours_mem))
    print(f"{'case':<12} {'compliance':>11} {'check-jsonschema':>17} {'ratio':>7} {'peak MB':>8}")
    for label, ours_t, theirs_t, ratio, mem in rows:
        print(f"{label:<12} {ours_t:>10.3f}s {theirs_t:>16.3f}s {ratio:>7.2f} {mem:>8.0f}")
    print("targets: 1 file ratio <= 0.70; many files ratio <= 0.20; peak < 100 MB")


if __name__ == "__main__":
    main()
