"""Benchmark `compliance build`.

For each example descriptor, in the same run:
- seconds per pack and pages per second of the full pack build (engine, contexts, PDF/A-3b
  renders with attachments, manifest), and
- a bare WeasyPrint render (default options, no PDF/A, no attachments, default URL fetcher) of
  the same HTML documents, to show what the tool adds on top of WeasyPrint;
then peak memory (resource.getrusage) and wall time of the CLI with --jobs 1 vs --jobs 2.

    python benchmarks/bench_build.py [--examples DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def bench_examples(examples: list[Path], repeat: int) -> None:
    from compliance.documents.pack import build_pack, prepare_documents
    from compliance.documents.environment import template_dirs
    from compliance.documents.pdf import render_bare

    print(f"{'example':42} {'pack s':>7} {'pages':>5} {'pages/s':>7} {'bare s':>7} "
          f"{'bare p/s':>8} {'overhead':>8}")
    base_url = template_dirs(None)[-1].as_uri() + "/"
    with tempfile.TemporaryDirectory() as tmp:
        for example in examples:
            best_pack = best_bare = float("inf")
            pages = 0
            for _ in range(repeat):
                started = time.perf_counter()
                path = build_pack(example, Path(tmp), AS_OF, {"pdf"}, None)
                best_pack = min(best_pack, time.perf_counter() - started)
                import json

                manifest = json.loads((path / "manifest.json").read_text())
                pages = sum(f.get("pages", 0) for f in manifest["files"])
                # exactly the HTML the pack rendered
                _, _, _, _, docs = prepare_documents(example, AS_OF)
                started = time.perf_counter()
                for doc in docs:
                    render_bare(doc.html, base_url)
                best_bare = min(best_bare, time.perf_counter() - started)
            print(f"{example.name:42} {best_pack:7.2f} {pages:5d} {pages / best_pack:7.1f} "
                  f"{best_bare:7.2f} {pages / best_bare:8.1f} {best_pack / best_bare:7.2f}x")
    print(f"peak RSS of this process: {_peak_mib(resource.RUSAGE_SELF):.0f} MiB")


def bench_jobs(examples: list[Path]) -> None:
    print("\nCLI, all examples in one call:")
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            before = _peak_mib(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "compliance", "build", *map(str, examples), "-o", tmp,
                 "--as-of", AS_OF.isoformat(), "--jobs", str(jobs)],
                check=True, capture_output=True,
            )
            elapsed = time.perf_counter() - started
            peak = _peak_mib(resource.RUSAGE_CHILDREN)
            print(f"  --jobs {jobs}: {elapsed:6.2f} s for {len(examples)} packs "
                  f"({elapsed / len(examples):.2f} s/pack); peak RSS of a child process "
                  f"{max(peak, before):.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=ROOT / "examples")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    examples = sorted(args.examples.glob("*.yaml"))
    if not examples:
        sys.exit(f"no *.yaml in {args.examples}")
    bench_examples(examples, args.repeat)
    bench_jobs(examples)


if __name__ == "__main__":
    main()
