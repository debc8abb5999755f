"""Benchmark `compliance incident check` and `incident verify` over large registers, as a user
runs them: whole processes, timed from outside.

For each register size (for the recruitment-screening example: an incident an hour from
2028-01-01, each with its record, an amendment and a report; checked as of 2029-06-01) it runs,
round-robin so that load on the machine spreads evenly,

- ``python -c pass`` (the interpreter alone) and ``compliance validate`` of the same descriptor
  (the anchors),
- ``compliance incident check`` (text and ``--format json``) and ``compliance incident verify``,

and reports per command the CPU time of the process (user + system, from ``os.wait4``), the
wall time and the peak resident memory: median and spread (min-max) over the runs, and the CPU
ratio to ``validate`` (and the range of the ratios within a round). One untimed run of each
command comes first: it fills the compiled rule data cache (``COMPLIANCE_CACHE_DIR``, a temporary
folder) and the bytecode cache (``PYTHONPYCACHEPREFIX``, also there, and used even when
``PYTHONDONTWRITEBYTECODE`` is set here: an installed package has its bytecode compiled).

    python benchmarks/bench_incidents.py [--entries 1000,10000,100000] [--runs 5] [--profile]

``--profile`` also prints where one ``incident check`` of the largest register spends its time
(cProfile over the whole command). Targets (issue 14): check over 10,000 entries at most 1.5x
the CPU of validate; 100,000 entries under 3 s CPU and 200 MB peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLOCK = "eu.ai_act.art_73_report_serious_incident"
AS_OF = "2029-06-01"


def build(folder: Path, entries: int) -> Path:
    """A descriptor in ``folder`` and its register of ``entries`` entries: per incident (one an
    hour from 2028-01-01) the record, an amendment and a report."""
    import yaml

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


def _env(folder: Path) -> dict[str, str]:
    """The environment of the timed commands: bytecode and compiled rule data cached in
    ``folder`` (filled by the untimed first run of each command), never the user's caches."""
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        print("note: PYTHONDONTWRITEBYTECODE is set here; the commands run with a bytecode folder of their own")
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["COMPLIANCE_CACHE_DIR"] = str(folder / "cache")
    return env


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """CPU seconds (user + system) and wall seconds of one process, and its peak RSS in MB."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,  # noqa: S603 - fixed commands
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{errors.decode(errors='replace')[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def _spread(values: list[float], unit: str, digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f}{unit} "
            f"[{min(values):.{digits}f}-{max(values):.{digits}f}]")


def measure(descriptor: Path, runs: int, env: dict[str, str]) -> dict[str, list[tuple[float, float, float]]]:
    """``runs`` samples of each command, one per round, the order rotated every round."""
    compliance = [sys.executable, "-m", "compliance"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "validate": [*compliance, "validate", str(descriptor)],
        "incident check": [*compliance, "incident", "check", str(descriptor), "--as-of", AS_OF],
        "incident check --format json": [*compliance, "incident", "check", str(descriptor), "--as-of", AS_OF,
                                         "--format", "json"],
        "incident verify": [*compliance, "incident", "verify", str(descriptor)],
    }
    for cmd in commands.values():  # untimed: fills the bytecode and compiled rule data caches
        run(cmd, env)
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    names = list(commands)
    for round_ in range(runs):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            results[name].append(run(commands[name], env))
    return results


def report(entries: int, register: Path, results: dict[str, list[tuple[float, float, float]]]) -> None:
    anchor = [cpu for cpu, _, _ in results["validate"]]
    print(f"\nregister: {entries:,} entries, {register.stat().st_size / 1e6:.1f} MB "
          f"({len(anchor)} runs each, median [min-max]; the ratio's range is of the ratios within a round)")
    print(f"  {'command':30} {'CPU (user+sys)':>20} {'wall':>20} {'peak RSS':>10} {'CPU / validate':>22}")
    for name, samples in results.items():
        cpu = [c for c, _, _ in samples]
        wall = [w for _, w, _ in samples]
        rss = statistics.median(m for _, _, m in samples)
        ratios = [c / a for c, a in zip(cpu, anchor, strict=True)]
        ratio = f"{statistics.median(cpu) / statistics.median(anchor):.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]"
        print(f"  {name:30} {_spread(cpu, ' s'):>20} {_spread(wall, ' s'):>20} {rss:>7.0f} MB {ratio:>22}")


def profile(descriptor: Path, env: dict[str, str], folder: Path) -> None:
    import pstats

    output = folder / "check.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "compliance", "incident", "check",
               str(descriptor), "--as-of", AS_OF]
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)  # noqa: S603 - fixed command
    print(f"\nprofile of one `incident check` ({descriptor.parent.name}):")
    stats = pstats.Stats(str(output), stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="10000,100000",
                        help="register sizes, comma-separated (default: 10000,100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default: 5)")
    parser.add_argument("--profile", action="store_true", help="also profile one check of the largest register")
    parser.add_argument("--build", nargs=2, metavar=("FOLDER", "ENTRIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(Path(args.build[0]), int(args.build[1]))
        return
    sizes = [int(n.replace("_", "")) for n in args.entries.split(",") if n.strip()]
    if args.runs < 1 or not sizes or min(sizes) < 1:
        parser.error("--runs and every --entries must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        for entries in sizes:
            folder = Path(tmp) / f"r{entries}"
            folder.mkdir()
            # built by a child process: this one stays small, and a child's peak memory never
            # shows this process's (a fork starts as a copy of it)
            subprocess.run([sys.executable, __file__, "--build", str(folder), str(entries)],  # noqa: S603 - this script
                           check=True)
            descriptor = folder / "ai-system.yaml"
            report(entries, folder / "incidents.jsonl", measure(descriptor, args.runs, env))
        if args.profile:
            profile(Path(tmp) / f"r{max(sizes)}" / "ai-system.yaml", env, Path(tmp))
    print("\ntargets: incident check over 10,000 entries <= 1.5x validate (CPU); 100,000 entries < 3 s CPU "
          "and < 200 MB peak RSS")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
