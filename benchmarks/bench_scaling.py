#!/usr/bin/env python3
"""Growth with input size, whole processes, each size interleaved with the others run by run.

1. ``compliance obligations --format json`` for one descriptor with 1, 10, 100, 300 and 1,000
   use cases: the recruitment example's use case replicated with ids uc-0, uc-1, ... (even ones
   fully stated, odd ones only ``{id, description}``), its ``evidence`` list dropped (the
   evidence folder is copied beside it, for the other paths it names). Anchor: the 1-use-case
   run. Targets (issue 14): 300 use cases <= 3x the CPU of one; output linear (about the same
   number of bytes for every added use case, within 1.25x from step to step; the step from 1 to
   10 adds 4 full and 5 bare use cases, the later steps as many of each).
2. ``compliance incident check`` over registers of 1,000, 10,000 and 100,000 entries, built by
   ``build`` of benchmarks/bench_incidents.py (incidents, amendments and reports, 1:1:1, one
   incident an hour), all checked ``--as-of`` the day after the last entry of the largest one,
   so that every entry of every register counts (entries recorded after ``--as-of`` are left
   out). Each size is compared with the size 10x smaller: linear growth is at most 10x per step
   (process start-up, paid once, makes it less).

Not a test: prints tables.

    python benchmarks/bench_scaling.py [--runs 5] [--register-runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import shutil
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from _harness import COMPLIANCE, ROOT, Bench, Command, Row, Samples, table

SAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
AS_OF = "2026-11-25"
USE_CASES = (1, 10, 100, 300, 1000)
USE_CASES_QUICK = (1, 10, 300)
ENTRIES = (1_000, 10_000, 100_000)
ENTRIES_QUICK = (1_000, 10_000)
TARGET_300 = 3.0
LINEAR = 10.0


def descriptor(folder: Path, use_cases: int) -> Path:
    """The recruitment example with ``use_cases`` use cases, written into ``folder``."""
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text("utf-8"))
    data.pop("evidence", None)
    (template,) = data["system"]["use_cases"]
    cases = []
    for index in range(use_cases):
        if index % 2 == 0:
            case = copy.deepcopy(template)
            case["id"] = f"uc-{index}"
            case["description"] = f"{template['description']} (copy {index})"
        else:
            case = {"id": f"uc-{index}", "description": f"Use case {index}, facts not stated yet."}
        cases.append(case)
    data["system"]["use_cases"] = cases
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "examples" / "evidence", folder / "evidence")
    path = folder / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def register(folder: Path, entries: int) -> tuple[Path, dt.date]:
    """A descriptor and its register of ``entries`` entries, as benchmarks/bench_incidents.py
    builds them (imported, not copied, so that both benchmarks measure the same register), and
    the date of its last entry."""
    import bench_incidents

    folder.mkdir(parents=True)
    path: Path = bench_incidents.build(folder, entries)
    facts = yaml.safe_load(path.read_text("utf-8"))
    with open(path.parent / facts["incidents"]["path"], "rb") as handle:
        handle.seek(max(0, handle.seek(0, os.SEEK_END) - 65536))
        last = handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return path, dt.datetime.fromisoformat(json.loads(last)["recorded_at"]).date()


def per_added(samples: Sequence[Samples], sizes: Sequence[int], unit: str) -> str:
    """Output bytes and CPU per added unit between consecutive sizes (linear growth: about
    constant)."""
    lines = [f"  {'size':>8} | {'output bytes':>12} | {'bytes / added ' + unit:>22} | "
             f"{'CPU ms / added ' + unit:>22}"]
    previous: tuple[int, Samples] | None = None
    for size, s in zip(sizes, samples, strict=True):
        if previous is None:
            added_bytes = added_cpu = "-"
        else:
            step = size - previous[0]
            added_bytes = f"{(s.out - previous[1].out) / step:.0f}"
            added_cpu = f"{(s.cpu_median - previous[1].cpu_median) * 1000 / step:.3f}"
        lines.append(f"  {size:>8} | {s.out:>12} | {added_bytes:>22} | {added_cpu:>22}")
        previous = (size, s)
    return "\n".join(lines)


def obligations(bench: Bench, sizes: Sequence[int]) -> None:
    commands = []
    for size in sizes:
        path = descriptor(bench.work / f"use-cases-{size}", size)
        commands.append(Command(f"obligations, {size} use case{'s' * (size != 1)}",
                                [*COMPLIANCE, "obligations", "--format", "json", "--as-of", AS_OF,
                                 str(path)]))
    samples = bench.measure(commands)
    one = samples[0]
    rows = [Row(one, one)]
    rows += [Row(s, one, TARGET_300 if size == 300 else None)
             for size, s in zip(sizes[1:], samples[1:], strict=True)]
    print(table(rows, "the 1-use-case run"))
    print(per_added(samples, sizes, "use case"))
    increments = [(samples[i + 1].out - samples[i].out) / (sizes[i + 1] - sizes[i])
                  for i in range(len(sizes) - 1)]
    if len(increments) > 1:
        spread = max(increments) / min(increments)
        print(f"  output linear (bytes per added use case within 1.25x across steps): "
              f"{'holds' if spread <= 1.25 else 'MISSED'} (max/min {spread:.2f})")


def incidents(bench: Bench, sizes: Sequence[int], runs: int) -> None:
    built = [register(bench.work / f"register-{size}", size) for size in sizes]
    as_of = (max(last for _, last in built) + dt.timedelta(days=1)).isoformat()
    print(f"  --as-of {as_of}: the day after the last entry of the largest register")
    commands = [Command(f"incident check, {size} entries",
                        [*COMPLIANCE, "incident", "check", str(path), "--as-of", as_of],
                        ok=frozenset({0, 1}))
                for size, (path, _) in zip(sizes, built, strict=True)]
    samples = bench.measure(commands, runs)
    rows = [Row(samples[0], samples[0])]
    rows += [Row(s, before, LINEAR) for before, s in zip(samples, samples[1:], strict=False)]
    print(table(rows, "the register 10x smaller (the row above); <= 10x per step is linear "
                      "or better"))
    base = samples[0]
    for size, s in zip(sizes[1:], samples[1:], strict=False):
        extra = (s.cpu_median - base.cpu_median) * 1000 / (size - sizes[0])
        print(f"  {size:>7} entries: CPU above the {sizes[0]}-entry run {extra:.3f} ms per entry; "
              f"output {s.out} bytes; exit code {statistics.mode(x.code for x in s.warm)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--register-runs", type=int, default=None,
                        help="runs of the register sizes (default: --runs)")
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {USE_CASES_QUICK} and {ENTRIES_QUICK} only (a smoke run)")
    parser.add_argument("--only", choices=["obligations", "incidents"])
    args = parser.parse_args()
    use_cases = USE_CASES_QUICK if args.quick else USE_CASES
    entries = ENTRIES_QUICK if args.quick else ENTRIES
    if args.only != "incidents":
        with Bench(f"compliance obligations --format json, use cases {use_cases}",
                   args.runs) as bench:
            obligations(bench, use_cases)
    if args.only != "obligations":
        runs = args.runs if args.register_runs is None else args.register_runs
        with Bench(f"compliance incident check, register entries {entries}", runs) as bench:
            incidents(bench, entries, runs)


if __name__ == "__main__":
    main()
