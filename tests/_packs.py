"""Packs built once per test session and shared by the render and pack tests (PDF renders are
slow). Import this module from tests; do not build packs in individual tests."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import shutil
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.date(2026, 11, 25)
_ROOT = Path(tempfile.mkdtemp(prefix="compliance-packs-"))
atexit.register(shutil.rmtree, _ROOT, True)


def sample_assessment(name: str) -> dict:
    return json.loads((DATA / f"{name}.assessment.json").read_text("utf-8"))


@functools.cache
def pack(name: str, run: int = 0, formats: tuple[str, ...] = ("pdf",)) -> Path:
    """Build the pack of tests/data/<name>.yaml against the hand-written sample assessment."""
    from compliance.documents.pack import build_pack

    return build_pack(DATA / f"{name}.yaml", _ROOT / f"{name}-{run}-{'-'.join(formats)}", AS_OF,
                      set(formats), None, assessment=sample_assessment(name))


@functools.cache
def engine_pack(path: str) -> Path:
    """Build a pack with the real engine (end to end)."""
    from compliance.documents.pack import build_pack

    source = Path(path)
    return build_pack(source, _ROOT / f"engine-{source.stem}", AS_OF, {"pdf"}, None)


@functools.cache
def engine_release_pack(path: str, as_of: str) -> Path:
    """The pack of a descriptor built with the real engine at ``as_of`` (ISO date), with unsigned
    release renditions (--release --allow-gaps)."""
    from compliance.documents.pack import build
    from compliance.documents.release import ReleaseOptions

    source = Path(path)
    return build(source, _ROOT / f"engine-release-{source.stem}-{as_of}", dt.date.fromisoformat(as_of),
                 {"pdf"}, None, release=ReleaseOptions(allow_gaps=True)).path


SIGN_PASSWORD = b"release-test"


@functools.cache
def signing_key() -> bytes:
    """A self-signed RSA key and certificate as a PKCS#12 store (password SIGN_PASSWORD), made
    once per session; never written outside the session's temporary folder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Release Test Signer")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, None, serialization.BestAvailableEncryption(SIGN_PASSWORD))


@functools.cache
def release_pack(name: str, run: int = 0) -> Path:
    """The pack of tests/data/<name>.yaml with signed release renditions (--release --allow-gaps
    --sign), against the sample assessment."""
    from compliance.documents.pack import build
    from compliance.documents.release import ReleaseOptions

    options = ReleaseOptions(allow_gaps=True, p12=signing_key(), password=SIGN_PASSWORD)
    return build(DATA / f"{name}.yaml", _ROOT / f"release-{name}-{run}", AS_OF, {"pdf"}, None,
                 assessment=sample_assessment(name), release=options).path
