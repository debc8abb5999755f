"""Bounded reads: every input file goes through compliance.io.fsutil.read_input, which refuses what is
not a regular file before opening it (a FIFO would block forever, /dev/zero never ends) and reads
at most limit + 1 bytes. Hostile paths end quickly, with a clear message and exit 2, in bounded
memory."""

from __future__ import annotations

import datetime as dt
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from compliance.descriptor.yamlio import MAX_BYTES
from compliance.errors import ExitCode, InputError, RuleDataError, UsageError
from compliance.io import fsutil
from compliance.io.fsutil import InputTooLargeError, UnreadableFileError, read_input

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "customer-service-chatbot.yaml"
HAS_FIFO = hasattr(os, "mkfifo")
needs_fifo = pytest.mark.skipif(not HAS_FIFO, reason="needs named pipes")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")

#: The child's address space is capped, so code that reads without a bound dies quickly with a
#: MemoryError instead of eating the machine's memory; the test then fails on the exit code.
ADDRESS_SPACE_CAP = 2 * 1024**3
MAX_RSS_KB = 200 * 1024


@contextmanager
def no_hang(seconds: int = 10) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block blocks, e.g. on a FIFO."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _cap() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


_MEASURE = f"""
import resource, subprocess, sys
proc = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]),
                      preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE_CAP}, {ADDRESS_SPACE_CAP})))
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
sys.stderr.write("\\nMAXRSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(proc.returncode)
"""


def run_measured(*args: str, cwd: Path, timeout: int = 60) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI in a child of a fresh wrapper process; return the result and the CLI's own
    peak RSS (RUSAGE_CHILDREN of the wrapper, which has no other child)."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(timeout), sys.executable, "-m", "compliance",
                           *args], capture_output=True, text=True, cwd=cwd, timeout=timeout + 30)
    rss = int(proc.stderr.rsplit("MAXRSS_KB=", 1)[1].split()[0])
    return proc, rss


def run(*args: str, cwd: Path, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, preexec_fn=_cap)


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    if not HAS_FIFO:
        pytest.skip("needs named pipes")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture()
def descriptor(tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data.pop("evidence", None)
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


# --------------------------------------------------------------------------- the helper


def test_reads_a_regular_file_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_input(path, 100) == b"x" * 100
    with pytest.raises(InputTooLargeError) as info:
        read_input(path, 99, what="descriptor")
    assert isinstance(info.value, InputError) and info.value.exit_code is ExitCode.FINDINGS
    assert "larger than 99 bytes" in info.value.message and str(path) in info.value.message


def test_missing_and_directory_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as info:
        read_input(tmp_path / "nope.yaml", MAX_BYTES, what="descriptor")
    assert isinstance(info.value, UsageError) and info.value.exit_code is ExitCode.USAGE
    assert info.value.kind == "missing" and "does not exist" in info.value.message
    with pytest.raises(UnreadableFileError, match="is a directory, not a regular file"):
        read_input(tmp_path, MAX_BYTES)


@needs_fifo
def test_a_fifo_is_refused_before_it_is_opened(fifo: Path) -> None:
    with no_hang(), pytest.raises(UnreadableFileError) as info:
        read_input(fifo, MAX_BYTES, what="descriptor")
    assert "is a FIFO (named pipe), not a regular file" in info.value.message
    assert info.value.kind == "not-regular" and info.value.hint and "regular file" in info.value.hint


@needs_dev_zero
def test_a_device_is_refused() -> None:
    with no_hang(), pytest.raises(UnreadableFileError, match="is a character device, not a regular file"):
        read_input(Path("/dev/zero"), MAX_BYTES)


@needs_fifo
def test_a_fifo_swapped_in_after_the_check_neither_blocks_nor_is_read(fifo: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    regular = tmp_path / "regular"
    regular.write_bytes(b"x")
    real_stat = os.stat
    # the stat before opening sees a regular file; the path is a FIFO by the time it is opened
    monkeypatch.setattr(fsutil.os, "stat", lambda p, *a, **k: real_stat(regular))
    with no_hang(), pytest.raises(UnreadableFileError, match="FIFO"):
        read_input(fifo, MAX_BYTES)


def test_sha256_file_streams(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 7)
    path.write_bytes(data)
    assert fsutil.sha256_file(path) == hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- where files come in


def test_oversized_descriptor_is_an_invalid_descriptor(tmp_path: Path) -> None:
    from compliance.descriptor.validation import load_descriptor_file

    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    result = load_descriptor_file(path)
    assert [(p.line, p.column, p.check) for p in result.errors] == [(1, 1, "yaml")]
    assert "larger than" in result.errors[0].message


@needs_fifo
def test_unreadable_descriptor_is_a_problem_then_exit_2(fifo: Path) -> None:
    from compliance.descriptor.validation import load_descriptor_file, load_valid_descriptor

    with no_hang():
        result = load_descriptor_file(fifo)
        assert [p.check for p in result.errors] == ["io"]
        with pytest.raises(UsageError, match="FIFO"):
            load_valid_descriptor(fifo)


@needs_fifo
def test_evidence_path_that_is_a_fifo_is_a_validation_error(descriptor: Path) -> None:
    from compliance.descriptor.validation import load_descriptor_file

    os.mkfifo(descriptor.parent / "evidence.pdf")
    data = yaml.safe_load(descriptor.read_text("utf-8"))
    data["evidence"] = [{"path": "evidence.pdf", "description": "risk assessment"}]
    descriptor.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    with no_hang():
        result = load_descriptor_file(descriptor)
    messages = [p.message for p in result.errors if p.check == "evidence-paths"]
    assert messages == ["evidence file 'evidence.pdf' is a FIFO (named pipe), not a regular file"]


@needs_fifo
def test_pack_evidence_records_never_open_a_fifo(descriptor: Path) -> None:
    from compliance.descriptor.validation import parse_descriptor
    from compliance.documents.context import PackInfo, evidence_records

    os.mkfifo(descriptor.parent / "evidence.pdf")
    (descriptor.parent / "ok.txt").write_bytes(b"fine")
    data = yaml.safe_load(descriptor.read_text("utf-8"))
    data["evidence"] = [{"path": "evidence.pdf"}, {"path": "ok.txt"}]
    loaded = parse_descriptor(yaml.safe_dump(data).encode(), "d.yaml", None)
    assert loaded.descriptor is not None
    info = PackInfo(dt.date(2027, 1, 1), "0" * 64, "d.yaml", descriptor.parent, "0", "eu 1")
    with no_hang():
        records = evidence_records(loaded.descriptor, info)
    assert records[0]["status"] == "a FIFO (named pipe), not a regular file: not read"
    assert records[0]["sha256"] == ""
    assert records[1]["status"] == "present" and len(records[1]["sha256"]) == 64


@needs_fifo
def test_status_walk_skips_a_fifo_and_says_so(tmp_path: Path) -> None:
    from compliance.documents.status import find_descriptors

    (tmp_path / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    os.mkfifo(tmp_path / "b.yaml")
    skipped: list[tuple[str, str]] = []
    with no_hang():
        found = find_descriptors(tmp_path, skipped)
    assert found == [tmp_path / "a.yaml"]
    assert skipped == [(str(tmp_path / "b.yaml"), "is a FIFO (named pipe), not a regular file")]


@needs_fifo
def test_register_that_is_a_fifo_is_refused(fifo: Path) -> None:
    from compliance.incidents import register as reg

    with no_hang():
        with pytest.raises(UnreadableFileError, match="FIFO"):
            reg.verify(fifo)
        with pytest.raises(UnreadableFileError, match="FIFO"):
            reg.append(fifo, {"type": "incident", "record": {"id": "I", "title": "t",
                                                             "aware_at": "2028-01-01T00:00:00Z"}},
                       dt.datetime(2028, 1, 1, tzinfo=dt.UTC))


def test_register_over_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.incidents import register as reg

    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\n" * 101)
    monkeypatch.setattr(reg, "MAX_BYTES", 100)
    with pytest.raises(InputTooLargeError, match="larger than 100 bytes"):
        reg.verify(path)


def test_rule_data_file_over_the_limit_is_a_rule_data_error(tmp_path: Path) -> None:
    from compliance.law.datafile import read_data_file

    path = tmp_path / "rule.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(RuleDataError, match="larger than"):
        read_data_file(path)


@needs_fifo
def test_rule_data_fifo_is_refused(fifo: Path) -> None:
    from compliance.law.datafile import read_data_file

    with no_hang(), pytest.raises(UnreadableFileError, match="FIFO"):
        read_data_file(fifo)


# --------------------------------------------------------------------------- the CLI, end to end


@needs_dev_zero
def test_validate_dev_zero_ends_fast_in_bounded_memory(tmp_path: Path) -> None:
    proc, rss_kb = run_measured("validate", "/dev/zero", cwd=tmp_path, timeout=60)
    assert proc.returncode == ExitCode.USAGE, proc.stdout + proc.stderr
    assert "/dev/zero:1:1: error: is a character device, not a regular file [io]" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert rss_kb < MAX_RSS_KB, f"peak RSS {rss_kb} KiB"


@needs_dev_zero
@pytest.mark.parametrize("args", [
    ["obligations", "/dev/zero"],
    ["diff", "/dev/zero", str(EXAMPLE)],
    ["export", "cyclonedx", "/dev/zero"],
    ["import", "hf-card", "/dev/zero"],
    ["incident", "verify", "--register", "/dev/zero"],
])
def test_commands_refuse_dev_zero(args: list[str], tmp_path: Path) -> None:
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == ExitCode.USAGE, proc.stdout + proc.stderr
    assert "/dev/zero: is a character device, not a regular file" in proc.stderr


@needs_fifo
@pytest.mark.parametrize("args", [
    ["validate", "{fifo}"],
    ["obligations", "{fifo}"],
    ["explain", "{fifo}", "art_50"],
    ["diff", "{example}", "{fifo}"],
    ["export", "spdx", "{fifo}", "--as-of", "2026-01-01"],
    ["import", "hf-card", "{fifo}"],
    ["incident", "verify", "{fifo}"],
    ["incident", "verify", "--register", "{fifo}"],
])
def test_commands_refuse_a_fifo_without_blocking(args: list[str], fifo: Path, tmp_path: Path) -> None:
    proc = run(*[a.format(fifo=fifo, example=EXAMPLE) for a in args], cwd=tmp_path, timeout=60)
    assert proc.returncode == ExitCode.USAGE, proc.stdout + proc.stderr
    assert f"{fifo}" in proc.stdout + proc.stderr
    assert "is a FIFO (named pipe), not a regular file" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@needs_fifo
def test_status_over_a_folder_with_a_fifo(tmp_path: Path, descriptor: Path) -> None:
    os.mkfifo(descriptor.parent / "pipe.yaml")
    proc = run("status", str(descriptor.parent), "--as-of", "2027-01-01", "--format", "json",
               cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"skipped {descriptor.parent / 'pipe.yaml'}: is a FIFO (named pipe), not a regular file" in proc.stderr
    assert proc.stderr.count("pipe.yaml") == 1
    assert '"invalid": 0' in proc.stdout
