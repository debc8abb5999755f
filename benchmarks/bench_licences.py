#!/usr/bin/env python3
"""`compliance openness` per example (it loads the licence catalogue, then classifies each
model's licence and openness) against `compliance validate` of the same file, whole processes,
interleaved run by run; `python -c pass` alongside as the floor (interpreter start-up alone).

The ratio is what the licence catalogue and the openness classification cost on top of reading
and checking the descriptor. No target was set by an issue; 1.25x validate (as for obligations)
is printed as a guide. Not a test: prints a table.

    python benchmarks/bench_licences.py [--runs 5] [--examples DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import COMPLIANCE, ROOT, Bench, Command, Row, python, table

GUIDE = 1.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--examples", type=Path, default=ROOT / "examples")
    args = parser.parse_args()
    examples = sorted(args.examples.glob("*.yaml"))
    if not examples:
        sys.exit(f"no *.yaml in {args.examples}")
    title = (f"compliance openness vs compliance validate of the same file, {len(examples)} "
             "examples; python -c pass as the floor")
    with Bench(title, args.runs) as bench:
        commands = [Command("python -c pass (floor)", python("-c", "pass"))]
        for example in examples:
            commands += [
                Command(f"validate {example.stem}", [*COMPLIANCE, "validate", "-q", str(example)]),
                Command(f"openness {example.stem}", [*COMPLIANCE, "openness", str(example)])]
        floor, *samples = bench.measure(commands)  # one group: every command in every round
        rows = [Row(floor)]
        for validate, openness in zip(samples[::2], samples[1::2], strict=True):
            rows += [Row(validate, validate), Row(openness, validate, GUIDE)]
        print(table(rows, "compliance validate of the same file (the row above); the target "
                          "column is a guide, no issue set one"))


if __name__ == "__main__":
    main()
