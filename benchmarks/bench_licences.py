"""Speed of loading the licence catalogue and of `openness` on the examples (not a test).

Run: python benchmarks/bench_licences.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from compliance.law.licences import load_catalogue
from compliance.law.openness import openness
from compliance.paths import rules_dir
from compliance.descriptor.validation import load_descriptor_file

ROOT = Path(__file__).resolve().parent.parent


def _time(fn, runs: int = 30) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    catalogue = load_catalogue(rules_dir())
    print(f"load_catalogue ({len(catalogue)} licences): {_time(lambda: load_catalogue(rules_dir())):.1f} ms median")
    descriptors = [load_descriptor_file(p).descriptor for p in sorted((ROOT / "examples").glob("*.yaml"))]
    print(f"openness on {len(descriptors)} examples: "
          f"{_time(lambda: [openness(d, catalogue) for d in descriptors if d]):.2f} ms median")


if __name__ == "__main__":
    main()
