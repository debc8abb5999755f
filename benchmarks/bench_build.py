#!/usr/bin/env python3
"""Benchmark `compliance build` as users run it: whole processes, CPU (user + sys, the process
and its children) and wall time, median and spread (min-max) over several runs.

Each run, interleaved so that a busy machine affects every condition alike:

- anchor: one bare WeasyPrint process rendering the same HTML documents the packs render to PDF
  (``weasyprint.HTML(filename=...).write_pdf(...)``, default options: no PDF/A, no attachments,
  default URL fetcher), i.e. what rendering alone costs;
- first build of every example into an empty folder;
- rebuild with nothing changed (every pack "unchanged": its inputs match its manifest);
- rebuild after one descriptor changed (one pack rendered, the others unchanged).

Ratios are of medians. Target (issue 14): a rebuild with nothing changed <= 0.15x the first.
Not a test: prints the figures.

    python benchmarks/bench_build.py [--runs 5] [--format pdf] [--jobs 1] [--as-of 2026-11-25]
                                     [--examples DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
ANCHOR = ("import sys, weasyprint\n"
          "for name in sys.argv[1:]:\n"
          "    weasyprint.HTML(filename=name).write_pdf(name + '.pdf')\n")


@dataclass
class Samples:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def line(self, label: str) -> str:
        def spread(values: list[float]) -> str:
            return (f"median {statistics.median(values):6.2f} s "
                    f"(min {min(values):.2f}, max {max(values):.2f})")
        return f"  {label:34} CPU {spread(self.cpu)}   wall {spread(self.wall)}"


def _timed(command: list[str], samples: Samples) -> str:
    """Run ``command`` as a process; record its CPU (with its children) and wall time; return
    its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - this interpreter, fixed arguments
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command[:4])}... failed:\n{proc.stderr[-3000:]}")
    samples.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    samples.wall.append(wall)
    return proc.stderr


def _anchor_documents(examples: list[Path], folder: Path, as_of: dt.date) -> list[Path]:
    """The HTML each example's PDFs are rendered from, as files beside a link to the bundled
    templates' base folder (so ``base/print.css`` and its fonts resolve as in the pack)."""
    from compliance.documents.environment import template_dirs
    from compliance.documents.pack import prepare_documents

    folder.mkdir()
    (folder / "base").symlink_to(template_dirs(None)[-1] / "base")
    documents = []
    for example in examples:
        for doc in prepare_documents(example, as_of)[4]:
            path = folder / f"{example.stem}--{doc.decision.stem}.html"
            path.write_text(doc.html, "utf-8")
            documents.append(path)
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=ROOT / "examples")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", default="pdf", help="--format of the builds")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of the builds")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "examples"
        shutil.copytree(args.examples, work)  # one descriptor is edited between runs
        examples = sorted(work.glob("*.yaml"))
        if not examples:
            sys.exit(f"no *.yaml in {args.examples}")
        documents = _anchor_documents(examples, Path(tmp) / "anchor", args.as_of)
        changed = examples[0]
        original = changed.read_bytes()
        anchor, first, unchanged, one = Samples(), Samples(), Samples(), Samples()
        for run in range(args.runs):
            out = Path(tmp) / f"out-{run}"
            build = [sys.executable, "-m", "compliance", "build", *map(str, examples), "-o",
                     str(out), "--as-of", args.as_of.isoformat(), "--format", args.format,
                     "--jobs", str(args.jobs)]
            _timed([sys.executable, "-c", ANCHOR, *map(str, documents)], anchor)
            log = _timed(build, first)
            assert log.count("; new pack)") == len(examples), log
            log = _timed(build, unchanged)
            assert log.count("] unchanged ") == len(examples), log
            changed.write_bytes(original + b"\n# edited\n")
            try:
                log = _timed(build, one)
            finally:
                changed.write_bytes(original)
            assert log.count("] unchanged ") == len(examples) - 1, log
            shutil.rmtree(out)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pages = f"{len(documents)} documents"
    print(f"compliance build, {len(examples)} examples, --as-of {args.as_of} --format "
          f"{args.format} --jobs {args.jobs}, {args.runs} runs ({os.cpu_count()} CPUs); anchor renders the same "
          f"{pages} with bare WeasyPrint in one process")
    print(anchor.line("anchor: bare WeasyPrint"))
    print(first.line("first build"))
    print(unchanged.line("rebuild, nothing changed"))
    print(one.line("rebuild, one descriptor changed"))

    def ratio(a: Samples, b: Samples) -> str:
        return (f"{statistics.median(a.cpu) / statistics.median(b.cpu):.3f}x CPU, "
                f"{statistics.median(a.wall) / statistics.median(b.wall):.3f}x wall")

    print(f"  first build / anchor:              {ratio(first, anchor)}")
    print(f"  rebuild nothing changed / first:   {ratio(unchanged, first)}  (target <= 0.15x)")
    print(f"  rebuild nothing changed / anchor:  {ratio(unchanged, anchor)}")
    print(f"  rebuild one changed / first:       {ratio(one, first)}")
    print(f"  peak RSS of a child process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
