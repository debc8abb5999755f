"""The signatures in a PDF, validated with pyHanko (for ``compliance verify``, through
compliance.documents.verify): whether each is intact, covers the whole file, who signed and when,
and whether the signer chains to a given trust root.

Trust roots are only those given (no system trust store is consulted, nothing is fetched:
validation is offline, at the present time, without revocation data). A signature counts as
covering the file when its byte range is the whole file, or when it covers its own revision and
the later revisions only add signatures or fill fields and a later signature covers the whole
file. Document timestamps (``/DocTimeStamp``) are not validated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography import x509 as pyca_x509

from compliance.errors import UsageError
from compliance.io.fsutil import read_input

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

CERT_LIMIT = 1024 * 1024
_COVERAGE: dict[SignatureCoverageLevel | None, str] = {
    SignatureCoverageLevel.ENTIRE_FILE: "the whole file",
    SignatureCoverageLevel.ENTIRE_REVISION: "its revision only",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "a block from the start only",
    SignatureCoverageLevel.UNCLEAR: "an unclear byte range"}
#: A document-signing certificate asserts non-repudiation or digital signature (either will do).
_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF."""

    field: str
    intact: bool
    """The bytes the signature covers hash to the digest it signs."""
    valid: bool
    """The signature value verifies against the signer's certificate."""
    coverage: str
    """What the byte range covers: "the whole file", "its revision only", ..."""
    covers_file: bool
    signer: str | None
    """The common name (or the whole subject) of the signer's certificate."""
    signing_time: str | None
    """The signing time the signer states (ISO 8601, UTC); nothing vouches for it."""
    chain: str
    """``trusted`` (chains to a given trust root), ``self-signed`` or ``untrusted``."""
    problem: str | None = None
    """Why the signature fails, or ``None``."""
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "ok": self.ok, **asdict(self)}


def load_trust_roots(paths: Sequence[Path]) -> list[Any]:
    """The certificates in PEM or DER files (each may hold several)."""
    roots: list[Any] = []
    for path in paths:
        data = read_input(path, CERT_LIMIT, what="trust certificate")
        try:
            certs = list(load_certs_from_pemder_data(data))
        except Exception:  # asn1crypto raises many kinds on data that is not a certificate
            certs = []
        if not certs:
            raise UsageError(f"{path}: holds no certificate (PEM or DER)",
                             "give the trust root's certificate file, e.g. ca.pem or ca.cer")
        roots += certs
    return roots


def check_signatures(pdf: bytes, roots: list[Any]) -> tuple[tuple[SignatureCheck, ...], str | None]:
    """The checks of every signature in ``pdf`` (none for an unsigned PDF), and why the PDF
    could not be read, if it could not."""
    with _quiet_pyhanko():
        try:
            reader = PdfFileReader(io.BytesIO(pdf))
            embedded = list(reader.embedded_regular_signatures)
        except Exception as exc:  # a damaged or hostile file: pyHanko's parser raises many kinds
            return (), f"cannot be read as a PDF ({type(exc).__name__}: {exc})"
        results = [_check_signature(sig, roots) for sig in embedded]
    checks = [check for check, _ in results]
    for index, (check, needs_later) in enumerate(results):
        if needs_later and not any(c.covers_file and c.ok for c in checks[index + 1:]):
            checks[index] = replace(check, problem="bytes were added to the file after it was "
                                    "signed (the signature covers its revision only)")
    return tuple(checks), None


def _check_signature(sig: EmbeddedPdfSignature, roots: list[Any]) -> tuple[SignatureCheck, bool]:
    """The check of one signature, and whether it holds only if a later signature covers the
    whole file (it covers its own revision, and the later revisions add signatures or fill
    fields only)."""
    name = str(sig.field_name)
    try:
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False,
                                    other_certs=[sig.signer_cert, *sig.other_embedded_certs],
                                    revocation_mode="soft-fail")
        status = validate_pdf_signature(sig, context, key_usage_settings=_KEY_USAGE)
    except Exception as exc:  # malformed CMS, unsupported algorithm, broken structure
        return SignatureCheck(name, False, False, "unknown", False, None, None, "untrusted",
                              f"cannot be validated ({type(exc).__name__}: {exc})"), False
    coverage = status.coverage
    covers_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    cert = status.signing_cert
    subject = cert.subject.native
    signer = str(subject.get("common_name") or cert.subject.human_friendly)
    when = status.signer_reported_dt
    chain = "trusted" if status.trusted else ("self-signed" if _self_signed(cert) else "untrusted")
    problem = warning = None
    needs_later = False
    if not status.intact:
        problem = "it is broken: the signed bytes were changed after signing"
    elif not status.valid:
        problem = "it is broken: the signature value does not verify against the signer's certificate"
    elif not covers_file and not _later_updates_harmless(status, coverage):
        problem = ("bytes were added to the file after it was signed (the signature covers "
                   f"{_COVERAGE.get(coverage, 'an unclear byte range')})")
    else:
        needs_later = not covers_file
    if problem is None and chain != "trusted":
        indic = status.trust_problem_indic
        why = str(getattr(indic, "name", "no path to a trust root")).lower().replace("_", " ")
        if roots and chain == "self-signed":
            problem = (f"the signer's certificate is self-signed and is not one of the "
                       f"{len(roots)} given trust roots")
        elif roots:
            problem = (f"the signer's certificate does not chain to any of the {len(roots)} "
                       f"given trust roots ({why})")
        else:
            warning = (f"the signer's certificate is {chain} and no trust root was given: "
                       "nothing vouches for the signer")
    return SignatureCheck(name, bool(status.intact), bool(status.valid),
                          _COVERAGE.get(coverage, "an unclear byte range"), covers_file, signer,
                          None if when is None else _utc(when),
                          chain, problem, warning), needs_later


def _utc(when: dt.datetime) -> str:
    moment = when.astimezone(dt.UTC) if when.tzinfo is not None else when
    return moment.isoformat().replace("+00:00", "Z")


def _later_updates_harmless(status: Any, coverage: Any) -> bool:
    """A signature followed by later revisions that only add signatures or fill fields."""
    level = status.modification_level
    return (coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok is not False
            and level is not None and level <= ModificationLevel.FORM_FILLING)


def _self_signed(cert: Any) -> bool:
    try:
        parsed = pyca_x509.load_der_x509_certificate(cert.dump())
        if parsed.subject != parsed.issuer:
            return False
        parsed.verify_directly_issued_by(parsed)
    except Exception:  # not self-issued, or its own key does not verify it
        return False
    return True


@contextlib.contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs every failed path search with a traceback (a self-signed signer is one) and
    every oddity of a file it parses; the report says what matters, the terminal need not."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
