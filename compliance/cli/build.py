"""``compliance build``: one audit pack per descriptor."""

from __future__ import annotations

import datetime as dt
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import click

from compliance.errors import ComplianceError, ExitCode, UsageError


def _formats(value: str) -> set[str]:
    from compliance.documents.pack import FORMATS

    chosen = {v.strip().lower() for v in value.split(",") if v.strip()}
    unknown = chosen - FORMATS
    if not chosen or unknown:
        raise click.BadParameter(
            f"{', '.join(sorted(unknown)) or 'nothing'} is not a format; choose from "
            f"{', '.join(sorted(FORMATS))} (comma-separated)", param_hint="--format"
        )
    return chosen


Task = tuple[str, str, str, tuple[str, ...], str | None, str | None, bool, Any]


def _build_one(args: Task) -> dict[str, Any]:
    """Worker: build one pack; return a plain result (picklable) instead of raising."""
    from compliance.documents.pack import build

    file, out, as_of, formats, templates, rules, force, release = args
    started = time.perf_counter()
    notes: list[str] = []
    try:
        outcome = build(
            Path(file), Path(out), dt.date.fromisoformat(as_of), set(formats),
            Path(templates) if templates else None, rules_dir=Path(rules) if rules else None,
            report=notes.append, force=force, release=release,
        )
    except ComplianceError as exc:
        return {"file": file, "ok": False, "error": exc.message, "hint": exc.hint,
                "code": int(exc.exit_code)}
    except Exception as exc:  # noqa: BLE001 - reported per pack, the others still build
        return {"file": file, "ok": False, "error": f"{type(exc).__name__}: {exc}", "hint": None,
                "code": int(ExitCode.INTERNAL)}
    return {"file": file, "ok": True, "path": str(outcome.path), "notes": notes,
            "built": outcome.built, "reason": outcome.reason,
            "seconds": time.perf_counter() - started}


@click.command("build")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("audit-packs"), show_default=True,
              help="Directory that receives one pack folder per system (named by system id).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Evaluate the law as it stands on this date (default: today).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Build this many packs in parallel (processes).")
@click.option("--format", "fmt", default="pdf", show_default=True,
              help="Comma-separated output formats: pdf, html.")
@click.option("--templates", "templates", type=click.Path(path_type=Path, file_okay=False,
              exists=True), default=None,
              help="Directory searched before the bundled templates (same layout).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Rule data folder (default: the bundled jurisdictions/).")
@click.option("--force", is_flag=True, default=False,
              help="Build every pack, also those whose inputs match their manifest.")
@click.option("--release", is_flag=True, default=False,
              help="Also write clean release renditions per audience under <pack>/release/<audience>/ "
                   "(authority, downstream, public): no draft banner, gaps, field paths or internal attachments.")
@click.option("--allow-gaps", is_flag=True, default=False,
              help="With --release: print a missing item as 'Not provided.' instead of refusing the release.")
@click.option("--sign", "sign_key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              metavar="KEY.p12", help="With --release: sign every release PDF (PAdES) with the key and certificate "
                                      "in this PKCS#12 file; password from COMPLIANCE_SIGN_PASSWORD or a prompt.")
@click.option("--sign-time", "sign_time", default=None, metavar="YYYY-MM-DDTHH:MM:SSZ",
              help="Signing time written into the signatures (default: midnight UTC of the as-of date).")
def build_command(files: tuple[Path, ...], out_dir: Path, as_of: str | None, jobs: int, fmt: str,
                  templates: Path | None, rules_dir: Path | None, force: bool, release: bool,
                  allow_gaps: bool, sign_key: Path | None, sign_time: str | None) -> None:
    """Build an audit pack for each descriptor FILE: the documents whose obligations apply,
    obligations.json, a copy of the descriptor, index.html and manifest.json; then DIR/index.html
    linking every pack in DIR.

    Not legal advice. Packs are written atomically: a failed build leaves the previous pack
    in place. Files you add to a pack folder are kept; a folder that is not a pack is refused.
    A pack whose inputs (descriptor, evidence and incident register, rule data, templates, tool
    version, as-of date, formats) match its manifest, with every file intact, is left as it is
    ("unchanged"); --force builds it anyway.
    """
    formats = _formats(fmt)
    try:
        when = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise UsageError(f"{as_of!r} is not a date; write YYYY-MM-DD, e.g. 2026-08-02") from None
    options = _release_options(release, allow_gaps, sign_key, sign_time, formats)
    _check_unique_ids(files)
    _check_output_folder(out_dir)
    tasks = [
        (str(f), str(out_dir), when.isoformat(), tuple(sorted(formats)),
         str(templates) if templates else None, str(rules_dir) if rules_dir else None, force, options)
        for f in files
    ]
    several = len(tasks) > 1
    results: list[dict[str, Any]] = []
    if jobs == 1 or not several:
        for i, task in enumerate(tasks, 1):
            result = _build_one(task)
            results.append(result)
            if several or not result.get("built", True):
                _progress(i, len(tasks), result)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            futures = [pool.submit(_build_one, t) for t in tasks]
            for i, future in enumerate(as_completed(futures), 1):
                result = future.result()
                results.append(result)
                _progress(i, len(tasks), result)
    failed = [r for r in results if not r["ok"]]
    for r in sorted(results, key=lambda r: r["file"]):
        if r["ok"]:
            click.echo(r["path"])
    from compliance.documents.packs_index import write_packs_index
    from compliance.io.textsafe import echo

    for r in sorted(results, key=lambda r: r["file"]):
        for note in r.get("notes", []):
            echo(f"note: {note}", err=True)  # names of the user's files, shown inert
    write_packs_index(out_dir, templates, report=lambda note: echo(f"note: {note}", err=True))
    for r in failed:
        message = r["error"] if r["error"].startswith(r["file"]) else f"{r['file']}: {r['error']}"
        click.echo(f"error: {message}", err=True)
        if r.get("hint"):
            click.echo(f"  hint: {r['hint']}", err=True)
    if failed:
        sys.exit(max(r["code"] for r in failed))


def _release_options(release: bool, allow_gaps: bool, sign_key: Path | None, sign_time: str | None,
                     formats: set[str]) -> Any:
    """The release options, the key store read once here (its password from the environment or
    a prompt, never an argument, so it stays out of shell history and process lists)."""
    if not release:
        if allow_gaps or sign_key or sign_time:
            raise UsageError("--allow-gaps, --sign and --sign-time go with --release",
                             "add --release to write the release renditions")
        return None
    if "pdf" not in formats:
        raise UsageError("release renditions are PDFs", "build with --format pdf (or pdf,html)")
    from compliance.documents.release import ReleaseOptions
    from compliance.io.fsutil import read_input

    when = None
    if sign_time is not None:
        try:
            when = dt.datetime.fromisoformat(sign_time.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise UsageError(f"{sign_time!r} is not a time with a zone",
                             "write e.g. 2026-12-07T09:00:00Z") from None
    if sign_key is None:
        if when is not None:
            raise UsageError("--sign-time goes with --sign", "add --sign KEY.p12")
        return ReleaseOptions(allow_gaps=allow_gaps)
    import os

    secret = os.environ.get("COMPLIANCE_SIGN_PASSWORD")
    if secret is None and sys.stdin.isatty():
        secret = click.prompt(f"Password for {sign_key.name}", hide_input=True, default="",
                              show_default=False)
    options = ReleaseOptions(allow_gaps=allow_gaps, p12=read_input(sign_key, 1 << 20, what="key store"),
                             password=secret.encode("utf-8") if secret else None, signing_time=when)
    from compliance.documents.release_render import signer_fingerprint

    signer_fingerprint(options)  # a wrong password or a bad file is reported once, before any build
    return options


def _progress(done: int, total: int, result: dict[str, Any]) -> None:
    if result["ok"] and not result["built"]:
        click.echo(f"[{done}/{total}] unchanged {result['path']} from {result['file']} "
                   f"({result['seconds']:.1f} s; inputs match its manifest)", err=True)
    elif result["ok"]:
        click.echo(f"[{done}/{total}] built {result['path']} from {result['file']} "
                   f"({result['seconds']:.1f} s; {result['reason']})", err=True)
    else:
        click.echo(f"[{done}/{total}] FAILED {result['file']}", err=True)


def _check_output_folder(out_dir: Path) -> None:
    """DIR must be a folder or a path where one can be made: a FIFO, a device or a dangling link
    there is a usage error (exit 2) before any pack is built, not a failure of every pack."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "it exists and is not a folder" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
        raise UsageError(f"{out_dir}: cannot be the output folder: {reason}",
                         "name a folder, or a path where one can be created") from None


def _check_unique_ids(files: tuple[Path, ...]) -> None:
    """Two descriptors with the same system id would write the same pack folder. Files are read
    bounded and parsed with the descriptor loader's limits; an unreadable or invalid file is
    skipped here and reported by its own build."""
    from compliance.descriptor.yamlio import MAX_BYTES, load_bytes
    from compliance.io.fsutil import read_input

    seen: dict[str, Path] = {}
    for f in files:
        try:
            data = load_bytes(read_input(f, MAX_BYTES, what="descriptor")).data
            system_id = data["system"]["id"]
        except Exception:  # noqa: BLE001, S112 - invalid files are reported by the build itself
            continue
        if system_id in seen:
            raise UsageError(f"{seen[system_id]} and {f} both describe system id "
                             f"{system_id!r}; their packs would overwrite each other")
        seen[str(system_id)] = f
