"""The hostile-input corpus (tests/hostile/, described in its README.md), run through every command.

Each case is one command run as a subprocess (``python -m compliance ...``) against one hostile
input: a file of the corpus, a large file generated here, or a special path (``/dev/zero``, a FIFO,
a folder, a symlink to a device, a path that does not exist). For every run:

- no traceback, and the exit code documented for that situation (0 success, 1 invalid input or
  findings, 2 unreadable input; never 3, which means the tool's own data is broken or a bug);
- it ends within :data:`TIMEOUT` (a watchdog kills it) with a peak RSS under :data:`MAX_RSS_KIB`
  (``os.wait4`` in a small wrapper process gives the CLI's own ``ru_maxrss``, see :data:`_WRAPPER`);
  the address space is capped too, so an unbounded read fails fast instead of eating the memory;
- standard output and error are UTF-8 without a raw control or bidirectional-override character
  (``compliance.io.textsafe.UNSAFE``), JSON output is valid JSON, nothing from ``/etc/passwd`` and no
  output of a shell payload appears;
- the run wrote nothing into its working or temporary folder, and a build's output folder holds
  only what compliance writes (the files its manifest lists, the manifest, ``index.html``).

Then: the corpus and the examples are unchanged and no file named by a payload exists anywhere.
The runs share one module fixture that executes them in a pool of :data:`WORKERS` threads (only
the runs of the selected tests, so ``-k`` stays quick); each parametrized test checks one
input × command. Commands that read a descriptor the same way share the refused inputs in rotation
(:data:`SAME_LOADER`), which keeps the module near a minute on two cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from compliance.descriptor.model import MAX_USE_CASES
from compliance.io.textsafe import UNSAFE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "hostile"
EXAMPLE = ROOT / "examples" / "customer-service-chatbot.yaml"
AS_OF = "2027-12-02"
CHECK_AS_OF = "2028-03-26"
TIMEOUT = 30.0
MAX_RSS_KIB = 200 * 1024
ADDRESS_SPACE = 2 * 1024**3
WORKERS = 2
#: The file the corpus's shell and template payloads would create if anything ran them.
MARKER = "HOSTILE-PWNED"
#: What would show that /etc/passwd was read, or that `id` ran.
LEAKS = ("root:x:0:0", "uid=0(", "daemon:x:1:1")
#: An incident title carrying every kind of payload (bidi, ANSI, C1, template, HTML).
TITLE = "Leak \u202eexe.txt\u202c \u2066x\u2069 \x1b[2J\x1b[31m \x9b31m {{ 7*7 }} <script>alert(1)</script>"
AWARE = ["--aware-at", "2028-03-10T10:00:00+01:00", "--recorded-at", "2028-03-10T11:00:00+01:00"]

OK, FINDINGS, USAGE = 0, 1, 2

# --------------------------------------------------------------------------- the inputs

#: Descriptors the loader must refuse (exit 1): parser attacks, encodings, tags, size.
PARSE = [
    "alias-bomb.yaml", "deep-nesting.yaml", "descriptor-3mib.yaml", "binary-garbage.yaml",
    "non-utf8.yaml", "utf16-bom.yaml", "nul-bytes.yaml", "raw-control-bytes.yaml",
    "duplicate-keys.yaml", "yaml-tag-python.yaml", "yaml-tag-binary.yaml", "empty.yaml",
    "multi-document.yaml", "top-level-list.yaml", "merge-key.yaml", "many-use-cases.yaml",
]
#: Valid descriptors whose strings are hostile: they pass the schema and reach every renderer.
VALID = [
    "bidi.yaml", "ansi-escapes.yaml", "c1-controls.yaml", "template-injection.yaml",
    "html-injection.yaml", "css-injection.yaml", "utf8-bom-crlf.yaml", "one-mb-line.yaml",
    "big-integers.yaml", "extreme-dates.yaml",
]
#: Paths that are not regular files (created here), refused with exit 2 by every command.
SPECIAL = {
    "dev-zero": "/dev/zero",
    "fifo": "pipe.yaml",
    "directory": "dir.yaml",
    "symlink-to-dev-zero": "zero-link.yaml",
    "nonexistent": "missing.yaml",
    "dangling-symlink": "dangling.yaml",
    "symlink-loop": "loop.yaml",
}
#: Descriptors valid but for an evidence or register path that is hostile (exit 1).
PATHS = [
    "evidence-dotdot.yaml", "evidence-absolute.yaml", "evidence-fifo.yaml", "evidence-symlink.yaml",
    "incidents-outside.yaml", "incidents-dev-zero.yaml", "incidents-fifo.yaml", "incidents-symlink.yaml",
]
#: Incident registers (each named by a copy of the example); only register-valid verifies.
REGISTERS = [
    "register-valid", "register-crlf", "register-bom", "register-utf16", "register-garbage",
    "register-torn", "register-long-line", "register-deep-json", "register-far-future",
]
#: Model cards for `import hf-card`: hostile strings and non-finite metrics draft (exit 0), the others
#: are refused (exit 1).
CARDS = ["hf-card-hostile.md", "hf-card-nonfinite.md", "hf-card-python-tag.md", "hf-card-alias-bomb.md",
         "hf-card-unterminated.md"]
#: Entry files for `incident add --from` (schema errors, exit 1) and other hostile files given there.
ENTRIES = {
    **{name: FINDINGS for name in ("entries-record-list.yaml", "entries-clocks-int.yaml",
                                   "entries-clocks-nested.yaml", "entries-models-string.yaml",
                                   "entries-far-future.yaml", "alias-bomb.yaml", "yaml-tag-python.yaml",
                                   "binary-garbage.yaml", "descriptor-3mib.yaml")},
    "pipe.yaml": USAGE, "zero-link.yaml": USAGE,
}
#: Output paths (-o) that are not regular files: refused (exit 2), and left as they were.
OUTPUTS = {"out-fifo": "a FIFO", "out-dangling": "a dangling symlink", "out-devnull-link": "a symlink to /dev/null",
           "out-dir": "a folder"}

# --------------------------------------------------------------------------- the commands

#: name -> (argv with {in} {out} {example}, output format: text or json)
COMMANDS: dict[str, tuple[list[str], str]] = {
    "validate": (["validate", "{in}"], "text"),
    "validate-json": (["validate", "--format", "json", "{in}"], "json"),
    "validate-sarif": (["validate", "--format", "sarif", "{in}"], "json"),
    "obligations": (["obligations", "{in}", "--as-of", AS_OF, "--all", "--ids"], "text"),
    "obligations-json": (["obligations", "{in}", "--as-of", AS_OF, "--format", "json"], "json"),
    "explain": (["explain", "{in}", "art_50_1", "--as-of", AS_OF], "text"),
    "graph": (["graph", "{in}", "--format", "dot", "--as-of", AS_OF], "text"),
    "build": (["build", "{in}", "-o", "{out}", "--format", "html", "--as-of", AS_OF], "text"),
    "build-pdf": (["build", "{in}", "-o", "{out}", "--format", "pdf", "--as-of", AS_OF], "text"),
    "diff": (["diff", "{in}", "{example}", "--as-of", AS_OF], "text"),
    "openness": (["openness", "{in}"], "text"),
    "openness-json": (["openness", "{in}", "--format", "json"], "json"),
    "crosswalk": (["crosswalk", "{in}", "--as-of", AS_OF], "text"),
    "export-cyclonedx": (["export", "cyclonedx", "{in}", "--as-of", AS_OF], "json"),
    "export-spdx": (["export", "spdx", "{in}", "--as-of", AS_OF], "json"),
    "import-hf-card": (["import", "hf-card", "{in}"], "text"),
    "import-hf-card-o": (["import", "hf-card", "{in}", "-o", "{out}/draft.yaml"], "text"),
    "validate-draft": (["validate", "{out}/draft.yaml"], "text"),
    "incident-add": (["incident", "add", "{in}", "--id", "INC-H", "--title", TITLE, *AWARE], "text"),
    "incident-verify": (["incident", "verify", "{in}"], "text"),
    "incident-verify-json": (["incident", "verify", "{in}", "--format", "json"], "json"),
    "incident-verify-register": (["incident", "verify", "--register", "{register}"], "text"),
    "incident-check": (["incident", "check", "{in}", "--as-of", CHECK_AS_OF], "text"),
    "incident-check-json": (["incident", "check", "{in}", "--as-of", CHECK_AS_OF, "--format", "json"], "json"),
    "incident-list": (["incident", "list", "{in}"], "text"),
    "incident-add-from": (["incident", "add", "{descriptor}", "--from", "{in}", *AWARE[2:]], "text"),
    "incident-check-far-as-of": (["incident", "check", "{in}", "--as-of", "9999-12-31T23:59:59-14:00"], "text"),
    "incident-add-far-aware-at": (["incident", "add", "{in}", "--id", "INC-F", "--title", "far",
                                   "--aware-at", "0001-01-01T00:00:00+14:00"], "text"),
    "build-o": (["build", "{example}", "-o", "{in}", "--format", "html", "--as-of", AS_OF], "text"),
    "export-cyclonedx-o": (["export", "cyclonedx", "{example}", "-o", "{in}"], "text"),
    "export-spdx-o": (["export", "spdx", "{example}", "--as-of", AS_OF, "-o", "{in}"], "text"),
    "import-hf-card-o-force": (["import", "hf-card", "{card}", "-o", "{in}", "--force"], "text"),
    "status-o": (["status", "{registers}", "--as-of", AS_OF, "--format", "json", "-o", "{in}"], "text"),
    "init-o-force": (["init", "--profile", "chatbot", "-o", "{in}", "--force"], "text"),
    "status": (["status", "{in}", "--as-of", AS_OF], "text"),
    "status-json": (["status", "{in}", "--as-of", AS_OF, "--format", "json"], "json"),
    "rules-lint": (["rules", "lint", "--rules", "{in}"], "text"),
    "rules-lint-json": (["rules", "lint", "--rules", "{in}", "--format", "json"], "json"),
    "calendar": (["calendar", "{in}", "--as-of", CHECK_AS_OF[:10]], "ics"),
    "calendar-o": (["calendar", "{example}", "--as-of", AS_OF, "-o", "{in}"], "text"),
}
#: Commands that print JSON even when the input is bad (but not on a usage error).
JSON_ALWAYS = {"validate-json", "validate-sarif", "rules-lint-json", "status-json", "incident-verify-json"}
#: For input the loader refuses, the commands with their own way of reading a descriptor.
REFUSING = [
    "validate", "validate-json", "validate-sarif",  # load_descriptor_file, three renderers
    "obligations",  # cli._load_valid (load_valid_descriptor), as every command in SAME_LOADER
    "build",  # build's duplicate-id pre-read, then build_pack
    "diff",  # fsutil.read_input + parse_descriptor
    "incident-verify",  # load_descriptor_file, then the incidents.path fallback
    "import-hf-card",  # the card parser
]
#: Commands that read the descriptor exactly as `obligations` does (load_valid_descriptor): each
#: runs against a rotating third of the refused inputs, which keeps the module's runtime modest.
SAME_LOADER = ["obligations-json", "explain", "graph", "openness", "crosswalk", "export-cyclonedx", "export-spdx",
               "incident-check", "incident-add", "calendar"]
#: For valid descriptors with hostile strings: every command that renders them.
RENDERING = [
    "validate", "validate-json", "obligations", "obligations-json", "explain", "graph", "build",
    "openness", "crosswalk", "export-cyclonedx", "export-spdx",
]
#: Fewer for descriptors whose payload concerns only some renderers: markup and template text is
#: inert in text and JSON (it matters in packs, DOT and exports); numbers and dates matter where
#: they are computed with; the BOM/CRLF file only has to be read.
RENDERING_FOR = {
    "template-injection.yaml": ["validate", "obligations", "explain", "graph", "build", "export-spdx"],
    "css-injection.yaml": ["validate", "obligations", "graph", "build", "export-cyclonedx"],
    "big-integers.yaml": ["validate", "obligations", "obligations-json", "graph", "build", "openness",
                          "export-cyclonedx", "export-spdx"],
    "extreme-dates.yaml": ["validate", "obligations", "obligations-json", "explain", "graph", "build",
                           "export-cyclonedx", "export-spdx"],
    "utf8-bom-crlf.yaml": ["validate", "obligations", "build"],
}


@dataclass(frozen=True)
class Run:
    case: str
    """``input:command``: the test id."""
    argv: tuple[str, ...]
    expect: frozenset[int]
    fmt: str
    out: Path | None = None
    """A build's output folder (its content is checked)."""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_kib: int
    timed_out: bool
    utf8: bool
    stray: list[str]
    """Files the run left in its working and temporary folders."""


def plan(ws: Path) -> list[list[Run]]:
    """The runs, in jobs: a job's runs run in order (an `incident add` before the checks that read
    the register it writes); jobs run in parallel, the longest first."""
    corpus, out = ws / "corpus", ws / "out"
    jobs: list[list[Run]] = []

    def run(name: str, command: str, expect: set[int], *, target: Path | str, register: Path | None = None,
            base: str | None = None) -> Run:
        argv, fmt = COMMANDS[command]
        case = f"{name}:{command}"
        folder = out / re.sub(r"[^A-Za-z0-9.-]", "_", base or case)
        values = {"in": str(target), "out": str(folder), "example": str(EXAMPLE), "register": str(register or ""),
                  "descriptor": str(corpus / "registers" / "entries" / "ai-system.yaml"),
                  "card": str(CORPUS / "hf-card-hostile.md"), "registers": str(corpus / "registers" / "register-valid")}
        args = tuple(a if a == TITLE else a.format(**values) for a in argv)
        return Run(case, args, frozenset(expect), fmt, folder if command.startswith("build") else None)

    def rotated(index: int) -> list[str]:
        return [SAME_LOADER[(index + k) % len(SAME_LOADER)] for k in (0, 3, 6)]

    # the PDF builds take longest: first
    for name in ("bidi.yaml", "html-injection.yaml"):
        jobs.append([run(name, "build-pdf", {OK}, target=corpus / name)])
    # parser attacks: every reading path, and `import hf-card` (a card that is not one)
    for index, name in enumerate(PARSE):
        for command in [*REFUSING, *rotated(index)]:
            jobs.append([run(name, command, {FINDINGS}, target=corpus / name)])
    # special paths: refused before anything is read
    for index, (name, path) in enumerate(SPECIAL.items()):
        target = Path(path) if path.startswith("/") else corpus / path
        commands = [*REFUSING, *rotated(index)] if index < 5 else ["validate", "obligations", "import-hf-card"]
        for command in commands:
            jobs.append([run(name, command, {USAGE}, target=target)])
    # valid descriptors with hostile strings: every renderer, then the register they name
    for name in VALID:
        target = corpus / name
        commands = RENDERING_FOR.get(name, RENDERING) + (["openness-json"] if name == "bidi.yaml" else [])
        for command in commands:
            jobs.append([run(name, command, {OK}, target=target)])
        jobs.append([run(name, "diff", {OK, FINDINGS}, target=target)])
        jobs.append([run(name, command, {OK}, target=target)
                     for command in ("incident-add", "incident-verify", "incident-check", "incident-list",
                                     "calendar")])
    # hostile evidence and register paths: invalid descriptors, the paths never read
    for name in PATHS:
        for command in ("validate", "obligations", "build", "incident-verify", "incident-add"):
            jobs.append([run(name, command, {FINDINGS}, target=corpus / name)])
    # hostile registers: verify (through the descriptor and alone), check, then add
    for name in REGISTERS:
        descriptor = corpus / "registers" / name / "ai-system.yaml"
        expect = {OK} if name == "register-valid" else {FINDINGS}
        job = [run(name, "incident-verify", expect, target=descriptor),
               run(name, "incident-verify-json", expect, target=descriptor),
               run(name, "incident-verify-register", expect, target=descriptor,
                   register=descriptor.parent / "incidents.jsonl"),
               run(name, "incident-check", expect, target=descriptor),
               run(name, "calendar", expect, target=descriptor)]
        if name in ("register-valid", "register-garbage"):
            job += [run(name, "incident-check-json", expect, target=descriptor),
                    run(name, "incident-list", expect, target=descriptor),
                    run(name, "build", {OK}, target=descriptor)]
        if name == "register-valid":  # instants at the ends of the calendar, on the command line
            job += [run(name, "incident-check-far-as-of", {USAGE}, target=descriptor),
                    run(name, "incident-add-far-aware-at", {USAGE}, target=descriptor)]
        jobs.append([*job, run(name, "incident-add", expect, target=descriptor)])
    # model cards
    for name in CARDS:
        target = corpus / name
        if name == "hf-card-nonfinite.md":
            jobs.append([run(name, "import-hf-card", {OK}, target=target)])
        elif name == "hf-card-hostile.md":
            jobs.append([run(name, "import-hf-card", {OK}, target=target),
                         run(name, "import-hf-card-o", {OK}, target=target, base=f"{name}:draft"),
                         run(name, "validate-draft", {OK}, target=target, base=f"{name}:draft")])
        else:
            jobs.append([run(name, "import-hf-card", {FINDINGS}, target=target)])
    # entry files for `incident add --from`
    for name, code in ENTRIES.items():
        jobs.append([run(name, "incident-add-from", {code}, target=corpus / name)])
    # output paths that are not regular files
    for name in OUTPUTS:
        commands = ["export-cyclonedx-o", "export-spdx-o", "import-hf-card-o-force", "status-o", "init-o-force",
                    "calendar-o"]
        for command in commands + ([] if name == "out-dir" else ["build-o"]):
            jobs.append([run(name, command, {USAGE}, target=corpus / name)])
    # rule data: a folder of hostile rule files (findings), one holding a FIFO (refused)
    for command in ("rules-lint", "rules-lint-json"):
        jobs.append([run("rules-hostile", command, {FINDINGS}, target=ws / "rules-hostile")])
        jobs.append([run("rules-fifo", command, {USAGE}, target=ws / "rules-fifo")])
    return jobs


#: Status runs over the whole corpus folder first, before other runs write registers into it.
STATUS_COMMANDS = ("status", "status-json")
PLACEHOLDER = Path("/nonexistent-workspace")
CASES = [r.case for job in plan(PLACEHOLDER) for r in job] + [f"corpus:{c}" for c in STATUS_COMMANDS]
assert len(CASES) == len(set(CASES)), "duplicate case ids"


# --------------------------------------------------------------------------- building the workspace


def _descriptor_with(**extra: object) -> str:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data.update(extra)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=float("inf"))


def materialise(ws: Path) -> None:
    """The corpus in one folder, with the large files and special paths made here."""
    corpus = ws / "corpus"
    shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns("README.md", ".gitattributes", "rules"))
    # generated: too large to commit
    (corpus / "descriptor-3mib.yaml").write_bytes(
        EXAMPLE.read_bytes() + b"".join(b"# " + b"x" * 1000 + b"\n" for _ in range(3 * 1024 + 10)))
    line = ("Reviewed daily. " * (1024 * 1024 // 16 + 1))[: 1024 * 1024]
    (corpus / "one-mb-line.yaml").write_text(
        _descriptor_with(system={**yaml.safe_load(EXAMPLE.read_text("utf-8"))["system"], "human_oversight": line},
                         incidents={"path": "one-mb-line.incidents.jsonl"}), "utf-8")
    assert max(len(x) for x in (corpus / "one-mb-line.yaml").read_text("utf-8").splitlines()) > 1024 * 1024
    system = yaml.safe_load(EXAMPLE.read_text("utf-8"))["system"]
    system["use_cases"] = [{**system["use_cases"][0], "id": f"use-{i}"} for i in range(MAX_USE_CASES + 1)]
    (corpus / "many-use-cases.yaml").write_text(_descriptor_with(system=system), "utf-8")
    # special paths
    os.mkfifo(corpus / "pipe.yaml")
    (corpus / "dir.yaml").mkdir()
    (corpus / "zero-link.yaml").symlink_to("/dev/zero")
    (corpus / "dangling.yaml").symlink_to(corpus / "nowhere" / "nothing.yaml")
    (corpus / "loop.yaml").symlink_to(corpus / "loop.yaml")
    os.mkfifo(corpus / "evidence-pipe.pdf")
    (corpus / "evidence-link.txt").symlink_to("/etc/passwd")
    os.mkfifo(corpus / "incidents-pipe.jsonl")
    (corpus / "incidents-zero-link.jsonl").symlink_to("/dev/zero")
    os.mkfifo(corpus / "out-fifo")
    (corpus / "out-dangling").symlink_to(corpus / "nowhere" / "out.json")
    (corpus / "out-devnull-link").symlink_to("/dev/null")
    (corpus / "out-dir").mkdir()
    # registers, each named by a copy of the example
    valid = (CORPUS / "register-valid.jsonl").read_bytes()
    first = valid.splitlines(keepends=True)[0]
    generated = {
        "register-long-line": first + b'{"entry": "' + b"A" * (2 * 1024 * 1024) + b'"}\n',
        "register-deep-json": first + b"[" * 200_000 + b"]" * 200_000 + b"\n",
    }
    entries = corpus / "registers" / "entries"  # the system `incident add --from` adds to
    entries.mkdir(parents=True)
    (entries / "ai-system.yaml").write_text(_descriptor_with(incidents={"path": "incidents.jsonl"}), "utf-8")
    for name in REGISTERS:
        folder = corpus / "registers" / name
        folder.mkdir(parents=True)
        data = generated[name] if name in generated else (CORPUS / f"{name}.jsonl").read_bytes()
        (folder / "incidents.jsonl").write_bytes(data)
        (folder / "ai-system.yaml").write_text(_descriptor_with(incidents={"path": "incidents.jsonl"}), "utf-8")
    # rule data: the hostile manifest with hostile rule files, and the same with a FIFO
    for name, files in (("rules-hostile", [*PARSE, "bidi.yaml"]), ("rules-fifo", ["bidi.yaml"])):
        rules = ws / name / "hx"
        (rules / "law" / "obligations").mkdir(parents=True)
        shutil.copy(CORPUS / "rules" / "hx" / "jurisdiction.yaml", rules / "jurisdiction.yaml")
        for file in files:
            shutil.copy(corpus / file, rules / "law" / "obligations" / file)
    os.mkfifo(ws / "rules-fifo" / "hx" / "law" / "obligations" / "pipe.yaml")


# --------------------------------------------------------------------------- running


#: Runs the CLI as its child and reports the child's exit status and peak RSS. The extra process is
#: what makes the figure the CLI's own: a process's ``ru_maxrss`` survives ``exec`` and starts from
#: the memory of the process it was forked (or vforked) from, so a CLI started straight from pytest
#: would report pytest's own peak RSS whenever that is higher. This small wrapper is that parent.
#: It also caps the address space, so an unbounded read fails fast instead of eating the machine.
_WRAPPER = """
import os, resource, sys
result, cap = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "compliance", *sys.argv[3:]])
_, status, usage = os.wait4(pid, 0)
with open(result, "w") as handle:
    handle.write("%d %d" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss))
os._exit(0)
"""


def execute(argv: tuple[str, ...], cwd: Path, tmp: Path, pycache: Path) -> Outcome:
    """Run the CLI in ``cwd`` (through :data:`_WRAPPER`); kill it after TIMEOUT; return its exit
    code, output and peak RSS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_") and k != "PYTHONDONTWRITEBYTECODE"}
    # bytecode cached in the workspace (compiled once, not in each of some 500 runs)
    env.update(TMPDIR=str(tmp), PYTHONIOENCODING="utf-8", PYTHONPYCACHEPREFIX=str(pycache))
    report = cwd.parent / "result"
    with tempfile.TemporaryFile(dir=cwd.parent) as out, tempfile.TemporaryFile(dir=cwd.parent) as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-S", "-c", _WRAPPER, str(report), str(ADDRESS_SPACE), *argv],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True)
        lock, reaped, killed = threading.Lock(), [False], [False]

        def kill() -> None:
            with lock:  # never signal a process group that was reaped (its id may be reused)
                if not reaped[0]:
                    killed[0] = True
                    os.killpg(proc.pid, signal.SIGKILL)  # the wrapper and the CLI with its workers

        watchdog = threading.Timer(TIMEOUT, kill)
        watchdog.start()
        try:
            _, status, _ = os.wait4(proc.pid, 0)
        finally:
            with lock:
                reaped[0] = True
            watchdog.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        raw_out, raw_err = out.read(), err.read()
    code, rss_kib = (int(x) for x in report.read_text().split()) if report.exists() else (-9, 0)
    try:
        stdout, stderr, utf8 = raw_out.decode("utf-8"), raw_err.decode("utf-8"), True
    except UnicodeDecodeError:
        stdout, stderr, utf8 = raw_out.decode("utf-8", "replace"), raw_err.decode("utf-8", "replace"), False
    stray = sorted(str(p) for folder in (cwd, tmp) for p in folder.rglob("*"))
    return Outcome(code, stdout, stderr, seconds, rss_kib, killed[0], utf8, stray)


def _tree_digest(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Session:
    ws: Path
    runs: dict[str, Run] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _selected(request: pytest.FixtureRequest) -> set[str] | None:
    """The cases of the tests selected in this session (None: all, e.g. a test that needs all)."""
    cases: set[str] = set()
    for item in request.session.items:
        if item.module is not request.module:
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is None or "case" not in callspec.params:
            return None
        cases.add(callspec.params["case"])
    return cases


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Session]:
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("needs named pipes and /dev/zero")
    ws = tmp_path_factory.mktemp("hostile")
    materialise(ws)
    result = Session(ws, before=_tree_digest(CORPUS, ROOT / "examples"))
    wanted = _selected(request)
    status_jobs = [[Run(f"corpus:{c}", tuple(a.format(**{"in": str(ws / "corpus")}) for a in COMMANDS[c][0]),
                        frozenset({OK}), COMMANDS[c][1])] for c in STATUS_COMMANDS]
    counter = iter(range(1_000_000))
    started = time.perf_counter()

    def run_job(job: list[Run]) -> None:
        for r in job:
            n = next(counter)
            cwd, tmp = ws / "cwd" / str(n) / "work", ws / "cwd" / str(n) / "tmp"
            cwd.mkdir(parents=True)
            tmp.mkdir()
            result.runs[r.case] = r
            result.outcomes[r.case] = execute(r.argv, cwd, tmp, ws / "pycache")

    def chosen(jobs: list[list[Run]]) -> list[list[Run]]:
        return [j for j in jobs if wanted is None or any(r.case in wanted for r in j)]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        # status reads the whole corpus: before the other runs write registers into it
        list(pool.map(run_job, chosen(status_jobs)))
        list(pool.map(run_job, chosen(plan(ws))))
    result.seconds = time.perf_counter() - started
    result.after = _tree_digest(CORPUS, ROOT / "examples")
    yield result


# --------------------------------------------------------------------------- per-run checks


def _passwd_lines() -> list[str]:
    try:
        return [line for line in Path("/etc/passwd").read_text("utf-8", "replace").splitlines() if line][:3]
    except OSError:
        return []


PASSWD = _passwd_lines()


def _leaks(text: str) -> list[str]:
    return [s for s in (*LEAKS, *PASSWD) if s in text]


def _unsafe(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})


def check_build_folder(run: Run, outcome: Outcome) -> None:
    """The output folder holds what compliance writes: DIR/index.html and one pack whose files are
    the manifest and the files it lists; the HTML documents are inert and leak nothing."""
    assert run.out is not None
    if not run.out.exists():
        assert outcome.code != OK, "build succeeded without writing its folder"
        return
    entries = sorted(p.name for p in run.out.iterdir())
    packs = [p for p in run.out.iterdir() if p.is_dir()]
    assert set(entries) - {p.name for p in packs} <= {"index.html"}, entries
    if outcome.code != OK:
        assert not packs, f"a failed build left {[p.name for p in packs]}"
        return
    assert len(packs) == 1, entries
    pack = packs[0]
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    present = {str(p.relative_to(pack)) for p in pack.rglob("*") if p.is_file()}
    assert present == listed | {"manifest.json"}, f"unexpected: {present - listed}, missing: {listed - present}"
    for name in present:
        data = (pack / name).read_bytes()
        assert not _leaks(data.decode("utf-8", "replace")), f"{name} holds /etc/passwd content"
        if name.endswith(".html"):
            html = data.decode("utf-8")
            assert not _unsafe(html.replace("\r", "")), f"{name}: raw {_unsafe(html)}"
            assert "<script>alert" not in html and "<img src=\"file:" not in html, f"{name}: markup from input"
            assert not re.search(r"""(src|href|data)\s*=\s*["']?(file|javascript):""", html), f"{name}: live URL"
            styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S) + re.findall(r"style\s*=\s*\"([^\"]*)\"", html)
            assert not [css for css in styles if "file:" in css or "passwd" in css], f"{name}: CSS from input"
        if name.endswith(".json"):
            json.loads(data)


@pytest.mark.parametrize("case", CASES)
def test_hostile_input(case: str, session: Session) -> None:
    run, outcome = session.runs[case], session.outcomes[case]
    shown = f"$ compliance {' '.join(run.argv)}\n--- exit {outcome.code}\n--- stdout\n{outcome.stdout[:3000]}" \
            f"\n--- stderr\n{outcome.stderr[:3000]}"
    assert not outcome.timed_out, f"killed after {TIMEOUT} s\n{shown}"
    assert outcome.seconds < TIMEOUT
    assert "Traceback" not in outcome.stdout + outcome.stderr, shown
    assert "internal error" not in outcome.stderr, shown
    assert outcome.code in run.expect, f"exit {outcome.code}, expected {sorted(run.expect)}\n{shown}"
    assert outcome.rss_kib < MAX_RSS_KIB, f"peak RSS {outcome.rss_kib} KiB\n{shown}"
    assert outcome.utf8, f"output is not UTF-8\n{shown}"
    # iCalendar lines end with CR LF (RFC 5545, 3.1): the only carriage returns allowed
    stdout = outcome.stdout.replace("\r\n", "\n") if run.fmt == "ics" else outcome.stdout
    raw = _unsafe(stdout + outcome.stderr)
    assert not raw, f"raw {raw} in the output\n{shown}"
    assert not _leaks(outcome.stdout + outcome.stderr), shown
    if run.fmt == "json" and (outcome.stdout.strip() or (case.split(":")[1] in JSON_ALWAYS and outcome.code != USAGE)):
        json.loads(outcome.stdout)
    if run.fmt == "ics" and outcome.code == OK:
        from icalendar import Calendar

        Calendar.from_ical(outcome.stdout.encode("utf-8"))
    assert not outcome.stray, f"the run wrote {outcome.stray}"
    if run.out is not None and case.split(":")[1].startswith("build"):
        check_build_folder(run, outcome)


# --------------------------------------------------------------------------- cross-run checks


def test_payloads_print_literally(session: Session) -> None:
    """Template payloads are text, not templates; markup is escaped, not rendered."""
    text = session.outcomes["template-injection.yaml:obligations"].stdout
    assert "{% include '/etc/passwd' %}{{ 7*'7' }}" in text and "7777777" not in text
    pack = next((session.ws / "out").glob("template-injection.yaml_build/*/transparency-report.html"))
    html = pack.read_text("utf-8")
    assert "{{ 7*7 }}" in html and "7777777" not in html
    pack = next((session.ws / "out").glob("html-injection.yaml_build/*/transparency-report.html"))
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in pack.read_text("utf-8")
    bidi = session.outcomes["bidi.yaml:obligations"].stdout
    assert "\\u202e" in bidi and "\\u2066" in bidi
    ansi = session.outcomes["ansi-escapes.yaml:obligations"].stdout
    assert "\\x1b]0;owned-title\\x07" in ansi


def test_pdf_of_a_hostile_descriptor(session: Session) -> None:
    """The PDF pack shows bidi overrides as escapes, embeds only the descriptor and obligations,
    and holds no /etc/passwd content (nothing named by an <img>, url() or include was fetched)."""
    from pypdf import PdfReader

    for name in ("bidi.yaml", "html-injection.yaml"):
        pdfs = sorted((session.ws / "out").glob(f"{name}_build-pdf/*/*.pdf"))
        assert pdfs, f"no PDF for {name}"
        for pdf in pdfs:
            reader = PdfReader(pdf)
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            assert text.strip(), pdf
            assert not _unsafe(text.replace("\r", "")), f"{pdf.name}: raw {_unsafe(text)}"
            assert not _leaks(text), pdf
            assert set(reader.attachments) <= {"descriptor.yaml", "obligations.json", name}, reader.attachments
            for files in reader.attachments.values():
                for content in files:
                    assert not _leaks(content.decode("utf-8", "replace"))
        if name == "bidi.yaml":
            assert any("\\u202e" in "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages) for pdf in pdfs)


def test_status_lists_the_corpus_and_skips_special_files(session: Session) -> None:
    outcome = session.outcomes["corpus:status-json"]
    data = json.loads(outcome.stdout)
    files = {Path(row["file"]).name for row in data["systems"]}
    assert {"bidi.yaml", "alias-bomb.yaml", "utf8-bom-crlf.yaml", "evidence-fifo.yaml"} <= files
    assert "is a FIFO (named pipe), not a regular file" in outcome.stderr
    assert "zero-link.yaml: is a character device" in outcome.stderr
    assert "pipe.yaml" not in files and "zero-link.yaml" not in files


def test_registers_name_their_damage(session: Session) -> None:
    kinds = {name: json.loads(session.outcomes[f"{name}:incident-verify-json"].stdout) for name in REGISTERS}
    assert kinds["register-valid"]["ok"] is True
    problems = {name: data["problem_kind"] for name, data in kinds.items()}
    assert problems["register-crlf"] == "crlf"
    assert problems["register-bom"] == problems["register-utf16"] == "bom"
    assert problems["register-torn"] == "torn"
    assert problems["register-long-line"] == "format"
    assert problems["register-garbage"] and problems["register-deep-json"]


def test_output_paths_that_are_not_regular_files_are_left_alone(session: Session) -> None:
    """`-o` never replaces a FIFO, a device (through a link) or a link, nor writes into a folder."""
    import stat

    corpus = session.ws / "corpus"
    assert stat.S_ISFIFO(os.lstat(corpus / "out-fifo").st_mode)
    assert os.readlink(corpus / "out-dangling") == str(corpus / "nowhere" / "out.json")
    assert not (corpus / "nowhere").exists()
    assert os.readlink(corpus / "out-devnull-link") == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert list((corpus / "out-dir").iterdir()) == []
    assert not [p for p in corpus.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_nothing_written_outside_the_workspace(session: Session) -> None:
    assert session.after == session.before, "the corpus or the examples changed"
    for folder in (ROOT, session.ws, Path(tempfile.gettempdir()), Path.cwd()):
        assert not (folder / MARKER).exists(), f"{folder / MARKER} exists: a payload ran"
    assert not [p for p in session.ws.rglob(f"*{MARKER}*")], "a payload ran"
    assert not [p for p in (session.ws / "corpus").rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
