"""Benchmark `compliance incident check` over a large register.

Builds a register of N entries (default 10,000: incidents, amendments and reports in a 3:1:1
mix over one year) for the recruitment-screening example, then measures
- verify (chain + content) in process,
- check (verify + assessment + every clock for every incident) in process, and
- the wall time of the CLI `compliance incident check` (process start included).

    python benchmarks/bench_incidents.py [--entries N] [--repeat R]

Target: the CLI check over 10,000 entries in at most 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLOCK = "eu.ai_act.art_73_report_serious_incident"


def build(folder: Path, entries: int) -> Path:
    from compliance.incidents.register import GENESIS, build_line, normalise_body

    data = yaml.safe_load((ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8"))
    data.pop("evidence", None)
    data["incidents"] = {"path": "incidents.jsonl"}
    descriptor = folder / "ai-system.yaml"
    descriptor.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    start = dt.datetime(2028, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    lines, prev, seq, incident = [], GENESIS, 0, 0
    while seq < entries:
        incident += 1
        aware = start + dt.timedelta(hours=incident)
        bodies = [{"type": "incident", "record": {"id": f"INC-{incident:05d}", "title": f"incident {incident}",
                                                   "aware_at": aware.isoformat(), "serious": True,
                                                   "harm": ["c"], "death": incident % 7 == 0,
                                                   "widespread_infringement": False}},
                  {"type": "amendment", "incident": f"INC-{incident:05d}", "changes": {"persons_affected": incident},
                   "reason": "count"},
                  {"type": "report", "incident": f"INC-{incident:05d}", "clocks": [CLOCK], "kind": "initial",
                   "submitted_at": (aware + dt.timedelta(days=3)).isoformat(), "recipient": "MSA"}]
        for body in bodies[: entries - seq]:
            seq += 1
            line, obj = build_line(normalise_body(body), seq, prev, aware + dt.timedelta(minutes=seq % 60))
            lines.append(line)
            prev = obj["hash"]
    (folder / "incidents.jsonl").write_bytes(b"".join(lines))
    return descriptor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from compliance.cli.incident import _assessment, _clockbook, _descriptor_and_register
    from compliance.incidents.check import check
    from compliance.incidents.register import load, verify

    with tempfile.TemporaryDirectory() as tmp:
        descriptor_file = build(Path(tmp), args.entries)
        register_file = Path(tmp) / "incidents.jsonl"
        size = register_file.stat().st_size
        as_of = dt.datetime(2029, 6, 1, tzinfo=dt.timezone.utc)
        best = {"verify": float("inf"), "check": float("inf"), "cli": float("inf"), "cli_json": float("inf")}
        incidents = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = verify(register_file)
            best["verify"] = min(best["verify"], time.perf_counter() - started)
            assert result.ok and result.count == args.entries
            started = time.perf_counter()
            descriptor, path, shown = _descriptor_and_register(descriptor_file)
            register = load(path)
            outcome = check(descriptor, register, _assessment(descriptor, None, as_of.date()), _clockbook(None),
                            as_of, shown)
            best["check"] = min(best["check"], time.perf_counter() - started)
            incidents = len(outcome.incidents)
            for key, extra in (("cli", []), ("cli_json", ["--format", "json"])):
                started = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "compliance", "incident", "check", str(descriptor_file),
                                       "--as-of", "2029-06-01", *extra], capture_output=True, cwd=ROOT)
                best[key] = min(best[key], time.perf_counter() - started)
                assert proc.returncode in (0, 1), proc.stderr
        print(f"register: {args.entries} entries, {incidents} incidents, {size / 1e6:.1f} MB")
        print(f"verify (in process)           {best['verify']:.3f} s")
        print(f"check  (in process)           {best['check']:.3f} s")
        print(f"compliance incident check CLI {best['cli']:.3f} s   (text; target <= 1 s)")
        print(f"  ... --format json           {best['cli_json']:.3f} s")
        print(f"load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
