#!/usr/bin/env python3
"""`compliance obligations` per example against `compliance validate` of the same file, whole
processes, interleaved run by run.

validate reads, schema-checks and runs the named checks over the descriptor, loading the rule
data; obligations also evaluates every rule and prints the result. The ratio is what evaluating
and reporting cost on top of loading. Target (issue 14): obligations <= 1.25x validate CPU for
every example. Not a test: prints a table.

    python benchmarks/bench_obligations.py [--runs 5] [--as-of 2026-11-25] [--examples DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import COMPLIANCE, ROOT, Bench, Command, Row, table

TARGET = 1.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--examples", type=Path, default=ROOT / "examples")
    args = parser.parse_args()
    examples = sorted(args.examples.glob("*.yaml"))
    if not examples:
        sys.exit(f"no *.yaml in {args.examples}")
    title = (f"compliance obligations vs compliance validate of the same file, {len(examples)} "
             f"examples, --as-of {args.as_of}")
    with Bench(title, args.runs) as bench:
        commands = []
        for example in examples:
            commands += [
                Command(f"validate {example.stem}",
                        [*COMPLIANCE, "validate", "-q", "--as-of", args.as_of, str(example)]),
                Command(f"obligations {example.stem}",
                        [*COMPLIANCE, "obligations", "--as-of", args.as_of, str(example)])]
        samples = bench.measure(commands)  # one group: every command in every round
        rows: list[Row] = []
        for validate, obligations in zip(samples[::2], samples[1::2], strict=True):
            rows += [Row(validate, validate), Row(obligations, validate, TARGET)]
        print(table(rows, "compliance validate of the same file (the row above)"))
        missed = [row.samples.name for row in rows
                  if row.target and row.anchor
                  and row.samples.cpu_median > TARGET * row.anchor.cpu_median]
        print(f"  target obligations <= {TARGET}x validate CPU: "
              + ("holds for every example" if not missed else f"MISSED for {', '.join(missed)}"))


if __name__ == "__main__":
    main()
