"""``compliance verify PACK``: check an audit pack against its sealed manifest and validate the
signatures in its PDFs (compliance.documents.verify does the work; this module prints)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compliance.errors import ExitCode

if TYPE_CHECKING:
    from compliance.documents.signatures import SignatureCheck
    from compliance.documents.verify import VerifyReport


@click.command("verify")
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--trust", "trust", type=click.Path(path_type=Path, dir_okay=False), multiple=True,
              metavar="CERT", help="A trust root's certificate (PEM or DER; repeat for several): "
              "then every signer must chain to one of them.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def verify_command(pack: Path, trust: tuple[Path, ...], fmt: str) -> None:
    """Verify the audit pack in the folder PACK: the manifest's seal, the size and SHA-256 of
    every file it lists, and every signature in the PDFs it lists (intact, covering the whole
    file, who signed and when, and whether the signer chains to a --trust root).

    Without --trust a self-signed signer is a warning; files the manifest does not list are
    warnings. Exit 0 when everything verifies, 1 when something does not (the first failing
    file is named), 2 when PACK is not a pack folder or a --trust file cannot be read.
    """
    from compliance.documents.verify import verify_pack
    from compliance.io.textsafe import echo, echo_json

    report = verify_pack(pack, trust=trust)
    if fmt == "json":
        echo_json(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", nl=False)
    else:
        echo(render_text(report), nl=False)
    sys.exit(ExitCode.OK if report.ok else ExitCode.FINDINGS)


def render_text(report: VerifyReport) -> str:
    """One line per file and per signature, then the verdict."""
    lines = [f"✗ manifest.json: {report.manifest_problem}" if report.manifest_problem
             else "✓ manifest.json: the seal matches"]
    for f in report.files:
        lines.append(f"✗ {f.path}: {f.problem}" if f.problem else f"✓ {f.path}")
        lines += [f"    {_signature_line(s)}" for s in f.signatures]
    lines += [f"! {name}: not listed in the manifest" for name in report.unlisted]
    lines.append(_verdict(report))
    if any(s.warning for f in report.files for s in f.signatures):
        lines.append("  hint: pass --trust CERT (your CA's or the signer's certificate) to require "
                     "that every signer chains to it")
    return "\n".join(lines) + "\n"


def _signature_line(s: SignatureCheck) -> str:
    mark = "✗" if s.problem else "!" if s.warning else "✓"
    state = s.problem or f"intact, covers {s.coverage}"
    who = f"signed by {s.signer or 'an unnamed signer'}" + (f" at {s.signing_time}" if s.signing_time else "")
    chain = s.warning or f"certificate {s.chain}"
    return f"{mark} signature {s.field}: {state}; {who}; {chain}"


def _verdict(report: VerifyReport) -> str:
    count = len(report.files)
    files = f"{count} file{'s' if count != 1 else ''}"
    sigs = report.signatures
    signatures = f" and {sigs} signature{'s' if sigs != 1 else ''}" if sigs else ""
    first = report.first_failure
    if first is None:
        warnings = len(report.warnings)
        extra = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        return f"✓ {report.folder}: {files}{signatures} verify{extra}"
    failures = len(report.problems)
    more = f" (1 of {failures} failures)" if failures > 1 else ""
    return f"✗ {report.folder} does not verify: {first.file}: {first.reason}{more}"
