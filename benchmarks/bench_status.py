#!/usr/bin/env python3
"""`compliance status` over a folder of N descriptors against `compliance validate` of the same
N files in one process, whole processes, interleaved run by run.

The fleet: N copies (default 1,000) of the examples, each with a unique system id, in folders of
50 with a copy of examples/evidence beside them (so evidence paths resolve as in the examples).
status is measured with ``--jobs 1`` and with its default (worker processes when there are many
descriptors; their CPU is included, as they are reaped by status). validate reads, schema-checks
and runs the named checks over every file; status also evaluates every rule for every system.
Target (issue 14): status <= 2x the CPU of validate over the same files. Not a test: prints a
table.

    python benchmarks/bench_status.py [--count 1000] [--runs 5] [--as-of 2026-11-25] [--format json]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from _harness import COMPLIANCE, ROOT, Bench, Command, Row, table

TARGET = 2.0


def fleet(folder: Path, count: int) -> list[Path]:
    """``count`` descriptors below ``folder``: copies of the examples with unique system ids."""
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    files = []
    for index in range(count):
        source = examples[index % len(examples)]
        team = folder / f"team-{index // 50:02d}"
        if not team.exists():
            team.mkdir(parents=True)
            shutil.copytree(ROOT / "examples" / "evidence", team / "evidence")
        text = source.read_text("utf-8")
        unique = text.replace("\n  id: ", f"\n  id: s{index:04d}-", 1)  # the system's id
        assert unique != text, source
        path = team / f"system-{index:04d}.yaml"
        path.write_text(unique, "utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--format", default="json", choices=["json", "table"],
                        help="--format of status")
    args = parser.parse_args()
    title = (f"compliance status over {args.count} descriptors vs compliance validate of the same "
             f"files in one process, --as-of {args.as_of}")
    with Bench(title, args.runs) as bench:
        root = bench.work / "fleet"
        files = fleet(root, args.count)
        status = [*COMPLIANCE, "status", str(root), "--as-of", args.as_of, "--format", args.format]
        validate, serial, default = bench.measure([
            Command(f"validate, {args.count} files",
                    [*COMPLIANCE, "validate", "-q", "--as-of", args.as_of, *map(str, files)]),
            Command("status --jobs 1", [*status, "--jobs", "1"]),
            Command("status (default --jobs)", status)])
        print(table([Row(validate, validate), Row(serial, validate, TARGET),
                     Row(default, validate, TARGET)],
                    f"compliance validate -q of the same {args.count} files"))


if __name__ == "__main__":
    main()
