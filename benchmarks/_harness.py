"""Shared machinery of the benchmarks: time whole processes as a user starts them.

Every sample is one fresh process (the ``compliance`` entry point of this interpreter's
environment, or an anchor command), started by a small launcher process (see :data:`LAUNCHER`)
and reaped with :func:`os.wait4`, which gives

- CPU: user + system seconds of the process and of every descendant it waited for (e.g. the
  workers of ``--jobs``);
- wall: seconds from before the fork to after the process was reaped;
- peak RSS: the largest resident set of the process or of one waited-for descendant (Linux
  reports the maximum over the tree, not the sum); never below the launcher's own (~11 MiB),
  shown as ``<= N MiB`` then.

:class:`Bench` runs a group of commands (the measured ones and their anchor) round by round,
each command once per round and the order rotated every round, so that a busy machine slows
every command of the group alike; ratios of one group are comparable, absolute seconds only on
the same machine and load. Medians and spreads (min-max) are reported, never the best run.

The compiled rule data is cached in ``$COMPLIANCE_CACHE_DIR``. A :class:`Bench` keeps one
temporary folder for the whole benchmark (removed at the end) and gives every command its own
cache folder below it: the first run of each command starts with an empty cache (the *cold* run,
reported apart, as a user's first run after an install or upgrade), the following runs find it
filled (*warm*: the medians). The rest of the environment is passed on as given.

Unix only (``os.wait4``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE_ENV = "COMPLIANCE_CACHE_DIR"


def compliance_command() -> list[str]:
    """The ``compliance`` entry point installed beside this interpreter, else
    ``python -m compliance`` with it."""
    entry = BIN / "compliance"
    if entry.is_file() and os.access(entry, os.X_OK):
        return [str(entry)]
    return [sys.executable, "-m", "compliance"]


COMPLIANCE = compliance_command()


def python(*args: str) -> list[str]:
    """A command run by this interpreter (e.g. ``python("-c", "pass")``)."""
    return [sys.executable, *args]


@dataclass(frozen=True)
class Command:
    """One command line to time. ``ok``: the exit codes that count as a normal run."""

    name: str
    argv: Sequence[str]
    ok: frozenset[int] = frozenset({0})
    cwd: Path | None = None


@dataclass(frozen=True)
class Sample:
    cpu: float  # user + system seconds, the process and its waited-for descendants
    wall: float  # seconds
    rss: int  # peak resident set, bytes
    out: int  # bytes written to standard output
    code: int  # exit code
    floor: int = 0  # the launcher's peak RSS, bytes: a lower bound of what rss can report


@dataclass
class Samples:
    command: Command
    cold: Sample | None = None
    warm: list[Sample] = field(default_factory=list)
    #: warm runs that wrote to their cache folder: the compiled data was rebuilt (the package
    #: source or the rule data changed during the benchmark), so they were not warm
    rebuilt: int = 0

    @property
    def name(self) -> str:
        return self.command.name

    @property
    def cpu(self) -> list[float]:
        return [s.cpu for s in self.warm]

    @property
    def wall(self) -> list[float]:
        return [s.wall for s in self.warm]

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def runs(self) -> list[Sample]:
        return [*([self.cold] if self.cold else []), *self.warm]

    @property
    def rss_max(self) -> int:
        """The largest peak RSS of any run, the cold one included."""
        return max(s.rss for s in self.runs)

    @property
    def rss_text(self) -> str:
        """:attr:`rss_max` in MiB, or ``<= N MiB`` when it is not above the launcher's own peak
        (the kernel then reports the launcher's figure, not the command's)."""
        floor = max(s.floor for s in self.runs)
        return f"<= {mib(floor)}" if self.rss_max <= floor else mib(self.rss_max)

    @property
    def out(self) -> int:
        """Bytes of standard output (median over the warm runs)."""
        return int(statistics.median(s.out for s in self.warm))


def _rss_bytes(maxrss: int) -> int:
    return maxrss if sys.platform == "darwin" else maxrss * 1024  # Linux and the BSDs: KiB


# The process that starts the measured commands. A child's peak RSS as the kernel reports it
# is at least the peak RSS of the process it was forked from (Linux records the old address
# space's high-water mark at exec), so commands are not started from the benchmark script, whose
# memory grows with the inputs it builds, but from this small launcher (plain Python, no site),
# which replies with the measurements, one JSON line per request, and its own peak (the floor).
LAUNCHER = """\
import json, os, resource, subprocess, sys, time
def floor():
    # the high-water mark of this address space (what the children inherit); getrusage would
    # also count the process this launcher was started from
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for field in status:
                if field.startswith("VmHWM:"):
                    return int(field.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for line in sys.stdin:
    request = json.loads(line)
    try:
        with open(request["out"], "wb") as out, open(request["err"], "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(request["argv"], stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, env=request["env"], cwd=request["cwd"])
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = code = os.waitstatus_to_exitcode(status)
        reply = {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rss": usage.ru_maxrss,
                 "code": code, "floor": floor()}
    except OSError as error:
        reply = {"error": str(error)}
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""


class Launcher:
    """The launcher process (see :data:`LAUNCHER`); :meth:`run` times one command."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.proc = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed program
            [sys.executable, "-I", "-S", "-c", LAUNCHER], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def run(self, command: Command, env: dict[str, str]) -> Sample:
        """Start ``command`` as a fresh process, wait for it and measure it. Exits the
        benchmark when its exit code is not in ``command.ok``."""
        out, err = self.folder / "stdout", self.folder / "stderr"
        request = {"argv": list(command.argv), "env": env, "out": str(out), "err": str(err),
                   "cwd": None if command.cwd is None else str(command.cwd)}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline() or '{"error": "the launcher died"}')
        if "error" in reply:
            sys.exit(f"{command.name}: cannot run {' '.join(command.argv)[:300]}: {reply['error']}")
        if reply["code"] not in command.ok:
            tail = (err.read_bytes() or out.read_bytes())[-3000:].decode("utf-8", "replace")
            sys.exit(f"{command.name}: exit code {reply['code']} from "
                     f"{' '.join(command.argv)[:300]}\n{tail}")
        return Sample(cpu=reply["cpu"], wall=reply["wall"], rss=_rss_bytes(reply["rss"]),
                      out=out.stat().st_size, code=reply["code"],
                      floor=_rss_bytes(reply["floor"]))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


class Bench:
    """One benchmark: a temporary folder (its cache folders and any work files, removed on
    exit) and the environment the commands run in. Use as a context manager."""

    def __init__(self, title: str, runs: int) -> None:
        if runs < 1:
            sys.exit("--runs must be at least 1")
        self.title = title
        self.runs = runs
        self.folder = Path(tempfile.mkdtemp(prefix="compliance-bench-"))
        self.work = self.folder / "work"
        self.work.mkdir()
        self._caches = 0
        self.env = dict(os.environ)
        self.started = time.perf_counter()
        self.bytecode = self._bytecode()
        self.launcher = Launcher(self.folder)

    def _bytecode(self) -> str | None:
        """With ``PYTHONDONTWRITEBYTECODE`` set, a source checkout never gets bytecode and every
        process would compile the package anew, which no installed copy does (pip compiles it at
        install time): the commands then run without it, with a bytecode folder of their own
        (``PYTHONPYCACHEPREFIX``), filled by an untimed run of each command before its cold run
        (Python then looks for all bytecode, the standard library's too, in that folder only).
        Returns a note saying so, or None."""
        if not self.env.get("PYTHONDONTWRITEBYTECODE"):
            return None
        del self.env["PYTHONDONTWRITEBYTECODE"]
        self.env["PYTHONPYCACHEPREFIX"] = str(self.folder / "pycache")
        return ("PYTHONDONTWRITEBYTECODE is set: the commands run without it, with a bytecode "
                "folder of their own (PYTHONPYCACHEPREFIX) that an untimed run of each command "
                "fills first, so that they find their modules compiled as in an installed copy")

    def __enter__(self) -> Bench:
        print(self.title)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        spec = importlib.util.find_spec("compliance")
        package = spec.origin if spec and spec.origin else "not importable here"
        print(f"  {platform.python_implementation()} {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, load average {load}; command: {' '.join(COMPLIANCE)} "
              f"({Path(package).parent})")
        print(f"  {self.runs} warm runs per command after one cold run (empty compiled-data "
              f"cache), interleaved round by round")
        if self.bytecode:
            print(f"  note: {self.bytecode}")
        if os.environ.get("COMPLIANCE_NO_CACHE"):
            print("  note: COMPLIANCE_NO_CACHE is set: the cache is off, warm runs are cold too")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.launcher.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"  (load average at the end {load}; {time.perf_counter() - self.started:.0f} s "
              f"in all)")

    def cache_env(self) -> dict[str, str]:
        """The environment with a new, empty cache folder."""
        self._caches += 1
        cache = self.folder / f"cache-{self._caches}"
        cache.mkdir(mode=0o700)
        return {**self.env, CACHE_ENV: str(cache)}

    def measure(self, commands: Sequence[Command], runs: int | None = None) -> list[Samples]:
        """One cold run of each command (its own empty cache folder), then ``runs`` rounds
        (default: the bench's) of one warm run each, the order rotated every round."""
        runs = self.runs if runs is None else runs
        if self.bytecode:  # fill the bytecode folder; the rule-data cache used is thrown away
            for command in commands:
                self.launcher.run(command, self.cache_env())
        envs = [self.cache_env() for _ in commands]
        results = [Samples(command) for command in commands]
        for command, env, result in zip(commands, envs, results, strict=True):
            result.cold = self.launcher.run(command, env)
        for round_ in range(runs):
            shift = round_ % len(commands)
            for index in [*range(shift, len(commands)), *range(shift)]:
                cache = Path(envs[index][CACHE_ENV])
                before = _listing(cache)
                results[index].warm.append(self.launcher.run(commands[index], envs[index]))
                if _listing(cache) != before:
                    results[index].rebuilt += 1
        return results


def _listing(folder: Path) -> set[tuple[str, int, int]]:
    """Every file below ``folder``: path, size, modification time."""
    found: set[tuple[str, int, int]] = set()
    for path in folder.rglob("*"):
        info = path.stat()
        found.add((str(path), info.st_size, info.st_mtime_ns))
    return found


# ---------------------------------------------------------------------------------- reporting


def spread(values: Sequence[float], digits: int = 3) -> str:
    """``median (min-max)``."""
    return (f"{statistics.median(values):.{digits}f} "
            f"({min(values):.{digits}f}-{max(values):.{digits}f})")


def mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def ratio(row: Samples, anchor: Samples, metric: str = "cpu") -> tuple[float, float, float]:
    """Ratio of the medians, and the min and max of the run-by-run ratios (the i-th warm runs
    of a group were made in the same round, close in time)."""
    mine: list[float] = getattr(row, metric)
    theirs: list[float] = getattr(anchor, metric)
    paired = [a / b for a, b in zip(mine, theirs, strict=False) if b > 0]
    median = statistics.median(mine) / statistics.median(theirs)
    return median, min(paired, default=median), max(paired, default=median)


def format_ratio(value: tuple[float, float, float]) -> str:
    median, low, high = value
    return f"{median:.2f}x ({low:.2f}-{high:.2f})"


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"<= {target:g}x: {'holds' if value <= target else 'MISSED'}"


@dataclass(frozen=True)
class Row:
    """A line of a results table: ``samples`` compared with ``anchor`` (CPU and wall ratios);
    ``target``: the largest CPU ratio allowed."""

    samples: Samples
    anchor: Samples | None = None
    target: float | None = None


HEADER = ("command", "cold CPU / wall s", "CPU s median (min-max)", "wall s median (min-max)",
          "max RSS", "CPU ratio", "wall ratio", "target (CPU)")


def table(rows: Sequence[Row], anchor_name: str | None = None) -> str:
    """The rows as an aligned table: name | cold run | CPU | wall | max RSS | ratios to the
    anchor (of medians, with the min-max of the run-by-run ratios) | target."""
    lines: list[tuple[str, ...]] = [HEADER]
    for row in rows:
        s = row.samples
        cold = f"{s.cold.cpu:.3f} / {s.cold.wall:.3f}" if s.cold else "-"
        if row.anchor is None or row.anchor is s:
            cpu_ratio = wall_ratio = "(anchor)" if row.anchor is s else "-"
            target = ""
        else:
            cpu = ratio(s, row.anchor, "cpu")
            cpu_ratio, wall_ratio = format_ratio(cpu), format_ratio(ratio(s, row.anchor, "wall"))
            target = verdict(cpu[0], row.target)
        lines.append((s.name, cold, spread(s.cpu), spread(s.wall), s.rss_text, cpu_ratio,
                      wall_ratio, target))
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    text = [" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "-+-".join("-" * width for width in widths))
    legend = ("  ratios: of the warm medians, in parentheses the min-max of the run-by-run ratios; "
              "max RSS: the largest peak of any run")
    if anchor_name:
        legend += f"; anchor: {anchor_name}"
    warnings = [f"  WARNING: {row.samples.name}: {row.samples.rebuilt} of {len(row.samples.warm)} "
                "warm runs rebuilt the compiled data (the package source or rule data changed "
                "meanwhile?): rerun on a quiet tree" for row in rows if row.samples.rebuilt]
    return "\n".join(["  " + line for line in text] + [legend, *warnings])
