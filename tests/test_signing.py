"""Signed release renditions: PAdES signing (compliance.documents.signing) and the verification
of a pack on disk (compliance.documents.verify, `compliance verify`). The keys are made here, at
test time, with cryptography; nothing is written outside tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from compliance.cli import main
from compliance.documents.pack_inputs import json_bytes, seal
from compliance.documents.signing import is_deterministic, load_signer, sign_pdf
from compliance.documents.verify import VerifyReport, verify_pack
from compliance.errors import ExitCode, InputError, UsageError

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = f"pw-{secrets.token_hex(8)}"  # made per run: no secret in the source
WHEN = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
SIGNED = "release/authority/fria.pdf"


# --------------------------------------------------------------------------- keys and PDFs


def _cert(cn: str, key: Any, issuer: tuple[str, Any] | None = None, *, ca: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    start = min(now, WHEN) - dt.timedelta(days=1)
    issuer_cn, issuer_key = issuer or (cn, key)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                          crl_sign=ca, encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(issuer_key, hashes.SHA256()))


def _p12(key: Any, cert: x509.Certificate, chain: list[x509.Certificate] | None = None,
         password: str | None = PASSWORD) -> bytes:
    protection = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"signer", key, cert, chain, protection)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def self_signed(rsa_key: rsa.RSAPrivateKey) -> x509.Certificate:
    return _cert("Release Signer", rsa_key)


@pytest.fixture(scope="module")
def key_store(rsa_key: rsa.RSAPrivateKey, self_signed: x509.Certificate) -> bytes:
    return _p12(rsa_key, self_signed)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    import weasyprint

    data: bytes = weasyprint.HTML(string="<p>x</p><p style='break-before: page'>y</p>").write_pdf()
    return data


@pytest.fixture(scope="module")
def pdfa() -> bytes:
    """A tagged PDF/A-3a (PDF/UA-1) document as the packs render them (metadata, XMP, structure
    tree, attachment)."""
    from compliance.documents.pdf import AttachmentData, render_pdf
    from compliance.paths import templates_dir

    html = ("<html lang='en'><head><title>Declaration</title><meta name='author' content='Org'>"
            "<meta name='dcterms.modified' content='2026-11-25T00:00:00Z'></head>"
            "<body><p>EU declaration of conformity</p></body></html>")
    return render_pdf(html, roots=[templates_dir()], as_of=WHEN.date(),
                      attachments=[AttachmentData("obligations.json", b"{}", "Obligations", "Data")]).pdf


def _pdf_objects(data: bytes) -> Any:
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


# --------------------------------------------------------------------------- signing


def test_the_signature_is_pades_intact_and_covers_the_whole_file(key_store: bytes, pdf: bytes) -> None:
    signed = sign_pdf(pdf, load_signer(key_store, PASSWORD.encode()), signing_time=WHEN,
                      reason="Release", location="Brussels")
    assert signed.startswith(pdf)  # an incremental update: the original bytes are untouched
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert (embedded.sig_object["/Reason"], embedded.sig_object["/Location"]) == ("Release", "Brussels")
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[]))
    assert status.intact and status.valid
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert status.signer_reported_dt == WHEN
    assert status.signing_cert.subject.native["common_name"] == "Release Signer"


def test_the_same_pdf_key_and_time_give_the_same_bytes(key_store: bytes, pdf: bytes) -> None:
    signer = load_signer(key_store, PASSWORD.encode())
    assert is_deterministic(signer)
    first = sign_pdf(pdf, signer, signing_time=WHEN)
    assert sign_pdf(pdf, load_signer(key_store, PASSWORD.encode()), signing_time=WHEN) == first
    # the time is the only moving part: another time gives other bytes, in another time zone
    # the same instant gives the same bytes
    assert sign_pdf(pdf, signer, signing_time=WHEN + dt.timedelta(seconds=1)) != first
    paris = WHEN.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert sign_pdf(pdf, signer, signing_time=paris) == first
    assert sign_pdf(pdf, signer, signing_time=WHEN, visible=True) == sign_pdf(
        pdf, signer, signing_time=WHEN, visible=True)


def test_other_processes_sign_to_the_same_bytes(key_store: bytes, pdfa: bytes, tmp_path: Path) -> None:
    """Nothing depends on the process: not the hash seed (set and dict order), not the clock."""
    (tmp_path / "signer.p12").write_bytes(key_store)
    (tmp_path / "in.pdf").write_bytes(pdfa)
    code = ("import datetime as dt, hashlib, os, pathlib, sys\n"
            "from compliance.documents.signing import load_signer, sign_pdf\n"
            "folder = pathlib.Path(sys.argv[1])\n"
            "signer = load_signer((folder / 'signer.p12').read_bytes(), os.environ['PW'].encode())\n"
            "when = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)\n"
            "for visible in (False, True):\n"
            "    out = sign_pdf((folder / 'in.pdf').read_bytes(), signer, signing_time=when, visible=visible)\n"
            "    print(hashlib.sha256(out).hexdigest())\n")
    signer = load_signer(key_store, PASSWORD.encode())
    expected = "".join(hashlib.sha256(sign_pdf(pdfa, signer, signing_time=WHEN, visible=v)).hexdigest()
                       + "\n" for v in (False, True))
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed, "TZ": "America/Lima",
               "PW": PASSWORD}
        result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.stdout == expected, result.stderr


def test_the_signed_pdfa_keeps_its_identification_and_consistent_metadata(key_store: bytes,
                                                                          pdfa: bytes) -> None:
    signer = load_signer(key_store, PASSWORD.encode())
    for visible in (False, True):
        signed = sign_pdf(pdfa, signer, signing_time=WHEN, visible=visible)
        reader = _pdf_objects(signed)
        info = reader.trailer["/Info"].get_object()
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
        # the PDF/UA-1 identification and the extension schema declaring it survive pyHanko's
        # rewrite of the packet (which turns simple properties into attributes)
        assert 'pdfuaid:part="1"' in xmp
        assert re.search(r'pdfaSchema:prefix(="|>)pdfuaid', xmp)
        assert re.search(r'pdfaSchema:namespaceURI(="|>)http://www.aiim.org/pdfua/ns/id/', xmp)
        assert info["/Producer"].startswith("WeasyPrint") and "pyHanko" in info["/Producer"]
        assert f'pdf:Producer="{info["/Producer"]}"' in xmp  # the same producer in both places
        assert info["/ModDate"] == "D:20261125120000Z"
        assert 'xmp:ModifyDate="2026-11-25T12:00:00Z"' in xmp
        (widget,) = [a.get_object() for a in reader.pages[-1]["/Annots"]]
        assert widget["/F"] & 4 and not widget["/F"] & (1 | 2 | 32 | 256)  # Print, not hidden
        if visible:
            assert list(widget["/AP"].keys()) == ["/N"]
            assert "/Font" not in widget["/AP"]["/N"].get_object()["/Resources"]
        else:
            assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0] and "/AP" not in widget
        _assert_widget_tagged(reader, widget)


def _assert_widget_tagged(reader: Any, widget: Any) -> None:
    """The signature widget of a signed tagged PDF is in its structure tree: a /Form element,
    last in the document's reading order, reached from the widget's /StructParent."""
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    nums = tree["/ParentTree"].get_object()["/Nums"]
    entries = dict(zip(nums[::2], nums[1::2], strict=True))
    key = widget["/StructParent"]
    assert tree["/ParentTreeNextKey"] == key + 1 and key == max(entries)
    element = entries[key].get_object()
    assert element["/S"] == "/Form" and element["/Alt"]
    assert element["/K"]["/Type"] == "/OBJR" and element["/K"]["/Obj"].get_object() == widget
    document = element["/P"].get_object()
    assert document["/S"] == "/Document" and document["/K"][-1].get_object() == element
    assert widget["/TU"]  # the field's description for assistive technology


def test_a_visible_field_is_a_box_on_the_last_page(key_store: bytes, pdf: bytes) -> None:
    signer = load_signer(key_store, PASSWORD.encode())
    reader = _pdf_objects(sign_pdf(pdf, signer, signing_time=WHEN, visible=True,
                                   field_name="Declaration"))
    assert len(reader.pages) == 2 and "/Annots" not in reader.pages[0]
    (widget,) = [a.get_object() for a in reader.pages[-1]["/Annots"]]
    assert widget["/FT"] == "/Sig" and widget["/T"] == "Declaration"
    assert "/StructParent" not in widget  # an untagged input gets no structure
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    width, height = (float(v) for v in reader.pages[-1].mediabox[2:])
    assert 0 < x1 < x2 <= width and 0 < y1 < y2 <= height
    boxed = _pdf_objects(sign_pdf(pdf, signer, signing_time=WHEN, visible=True, box=(10, 20, 110, 70)))
    assert [float(v) for v in boxed.pages[-1]["/Annots"][0].get_object()["/Rect"]] == [10, 20, 110, 70]


def test_a_wrong_password_is_a_clean_error_naming_no_secret(key_store: bytes) -> None:
    for password in (b"not the password", None):
        with pytest.raises(UsageError) as raised:
            load_signer(key_store, password)
        text = f"{raised.value.message} {raised.value.hint}"
        assert "password is wrong" in text
        assert PASSWORD not in text and "not the password" not in text
        assert raised.value.__cause__ is None and raised.value.__suppress_context__
        assert raised.value.exit_code == ExitCode.USAGE
    with pytest.raises(UsageError, match="not a PKCS#12 key store"):
        load_signer(b"-----BEGIN PRIVATE KEY-----\nnot a key store", PASSWORD.encode())


def test_an_unencrypted_store_and_a_store_without_a_key(rsa_key: rsa.RSAPrivateKey,
                                                        self_signed: x509.Certificate) -> None:
    assert load_signer(_p12(rsa_key, self_signed, password=None), None).signing_cert is not None
    certs_only = pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(self_signed, b"cert")], serialization.NoEncryption())
    with pytest.raises(UsageError, match="holds no private key"):
        load_signer(certs_only, None)


def test_signing_refuses_a_naive_time_a_signed_field_and_a_non_pdf(key_store: bytes, pdf: bytes) -> None:
    signer = load_signer(key_store, PASSWORD.encode())
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_pdf(pdf, signer, signing_time=WHEN.replace(tzinfo=None))
    signed = sign_pdf(pdf, signer, signing_time=WHEN)
    with pytest.raises(InputError, match="cannot be signed"):
        sign_pdf(signed, signer, signing_time=WHEN)
    with pytest.raises(InputError, match="cannot be signed"):
        sign_pdf(b"%PDF-1.7\nnot really", signer, signing_time=WHEN)


def test_an_ecdsa_key_signs_but_not_reproducibly(pdf: bytes, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    signer = load_signer(_p12(key, _cert("EC Signer", key)), PASSWORD.encode())
    assert not is_deterministic(signer)
    pack = _write_pack(tmp_path / "pack", {SIGNED: sign_pdf(pdf, signer, signing_time=WHEN)})
    assert verify_pack(pack).ok


# --------------------------------------------------------------------------- verification


def _write_pack(folder: Path, files: dict[str, bytes]) -> Path:
    """A pack folder shaped like the ones compliance.documents.pack writes."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    _write_manifest(folder, files)
    return folder


def _write_manifest(folder: Path, files: dict[str, bytes], **extra: Any) -> None:
    manifest = {
        "tool": {"name": "compliance", "version": "0.0.0"}, "as_of": "2026-11-25",
        "rules_version": "test", "system": {"id": "sys", "name": "System", "version": "1"},
        "descriptor": {"name": "descriptor.yaml", "sha256": "0" * 64}, "formats": ["pdf"],
        "documents": [],
        "files": [{"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(files.items())],
        "inputs": {"sha256": "0" * 64, "parts": {}}, **extra,
    }
    (folder / "manifest.json").write_bytes(json_bytes(seal(manifest)))


def _relist(folder: Path) -> None:
    """Record the files as they are now (an attacker who can also rewrite the manifest)."""
    names = [e["path"] for e in json.loads((folder / "manifest.json").read_text("utf-8"))["files"]]
    _write_manifest(folder, {n: (folder / n).read_bytes() for n in names})


@pytest.fixture
def pack(tmp_path: Path, key_store: bytes, pdf: bytes) -> Path:
    signed = sign_pdf(pdf, load_signer(key_store, PASSWORD.encode()), signing_time=WHEN)
    return _write_pack(tmp_path / "pack", {"fria.pdf": pdf, "index.html": b"<p>pack</p>\n",
                                           "obligations.json": b"{}\n", SIGNED: signed})


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_intact_pack_verifies_with_a_self_signed_warning(pack: Path) -> None:
    report = verify_pack(pack)
    assert report.ok and report.first_failure is None
    assert [f.path for f in report.files] == ["fria.pdf", "index.html", "obligations.json", SIGNED]
    (signature,) = report.files[-1].signatures
    assert (signature.intact, signature.valid, signature.covers_file) == (True, True, True)
    assert (signature.signer, signature.signing_time, signature.chain) == (
        "Release Signer", "2026-11-25T12:00:00Z", "self-signed")
    assert report.warnings == [f"{SIGNED}: Signature1: {signature.warning}"]
    assert "self-signed" in str(signature.warning)


@pytest.mark.parametrize("name", ["fria.pdf", "index.html", "obligations.json", SIGNED])
def test_one_changed_byte_in_any_file_fails_naming_it(pack: Path, name: str) -> None:
    _flip(pack / name, 1)
    report = verify_pack(pack)
    assert not report.ok and report.first_failure is not None
    assert report.first_failure.file == name
    assert "SHA-256 differs" in report.first_failure.reason


def test_a_byte_appended_to_the_signed_pdf_fails_even_when_relisted(pack: Path) -> None:
    with (pack / SIGNED).open("ab") as handle:
        handle.write(b"\n")
    report = verify_pack(pack)
    assert report.first_failure is not None and report.first_failure.file == SIGNED
    assert "the manifest records" in report.first_failure.reason
    _relist(pack)
    report = verify_pack(pack)
    assert report.first_failure is not None and report.first_failure.file == SIGNED
    assert "added to the file after it was signed" in report.first_failure.reason
    assert not report.files[-1].signatures[0].covers_file


def test_a_changed_signed_byte_breaks_the_signature_even_when_relisted(pack: Path) -> None:
    _flip(pack / SIGNED, 200)  # inside the first revision, which the signature covers
    _relist(pack)
    report = verify_pack(pack)
    assert report.first_failure is not None and report.first_failure.file == SIGNED
    assert "broken" in report.first_failure.reason
    assert report.files[-1].signatures[0].intact is False


def test_a_tampered_manifest_fails_its_seal(pack: Path) -> None:
    manifest = pack / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"rules_version": "test"',
                                                       b'"rules_version": "tset"'))
    report = verify_pack(pack)
    assert report.first_failure is not None and report.first_failure.file == "manifest.json"
    assert "seal" in report.first_failure.reason
    data = json.loads(manifest.read_text("utf-8"))
    del data["manifest_sha256"]
    manifest.write_bytes(json_bytes(data))
    assert "has no seal" in str(verify_pack(pack).manifest_problem)
    manifest.write_bytes(b'{"files": [], "files": []}')
    assert "appears twice" in str(verify_pack(pack).manifest_problem)


def test_missing_linked_and_escaping_files_fail_and_unlisted_files_warn(pack: Path, tmp_path: Path) -> None:
    (pack / "notes.txt").write_text("mine", "utf-8")
    (pack / "drafts").mkdir()
    (pack / "drafts" / "old.pdf").write_bytes(b"%PDF")
    report = verify_pack(pack)
    assert report.ok and report.unlisted == ("drafts/old.pdf", "notes.txt")
    assert "notes.txt: not listed in the manifest" in report.warnings

    outside = tmp_path / "outside.html"
    outside.write_bytes((pack / "index.html").read_bytes())
    (pack / "index.html").unlink()
    (pack / "index.html").symlink_to(outside)
    (pack / "obligations.json").unlink()
    report = verify_pack(pack)
    problems = {f.path: f.problem for f in report.files if f.problem}
    assert problems == {"index.html": "index.html is a symbolic link (verify never follows links)",
                        "obligations.json": "is missing"}

    files = {"../outside.html": b"x", "/etc/hostname": b"x", "release": b"x"}
    _write_manifest(pack, {})
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    manifest["files"] = [{"path": n, "sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
                         for n, d in files.items()]
    del manifest["manifest_sha256"]
    (pack / "manifest.json").write_bytes(json_bytes(seal(manifest)))
    report = verify_pack(pack)
    assert [f.problem is not None for f in report.files] == [True, True, True]
    assert "invalid path" in str(report.files[0].problem) and "invalid path" in str(report.files[1].problem)
    assert "not a regular file" in str(report.files[2].problem)  # release/ is a folder


def test_trust_roots_decide_the_chain(pack: Path, tmp_path: Path, rsa_key: rsa.RSAPrivateKey,
                                      self_signed: x509.Certificate, pdf: bytes) -> None:
    own = tmp_path / "own.der"
    own.write_bytes(self_signed.public_bytes(serialization.Encoding.DER))
    report = verify_pack(pack, trust=[own])
    assert report.ok and report.warnings == [] and report.files[-1].signatures[0].chain == "trusted"

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = _cert("Test CA", ca_key, ca=True)
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    report = verify_pack(pack, trust=[ca_pem])  # the self-signed signer is not under this CA
    assert report.first_failure is not None and report.first_failure.file == SIGNED
    assert "self-signed and is not one of the 1 given trust roots" in report.first_failure.reason

    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _cert("Issued Signer", leaf_key, ("Test CA", ca_key))
    signer = load_signer(_p12(leaf_key, leaf, [ca]), PASSWORD.encode())
    issued = _write_pack(tmp_path / "issued", {SIGNED: sign_pdf(pdf, signer, signing_time=WHEN)})
    report = verify_pack(issued)
    assert report.ok and report.files[0].signatures[0].chain == "untrusted"
    assert "does not chain to a trusted root" not in report.warnings[0]
    assert "untrusted and no trust root was given" in report.warnings[0]
    report = verify_pack(issued, trust=[ca_pem])
    assert report.ok and report.warnings == [] and report.files[0].signatures[0].chain == "trusted"
    assert verify_pack(issued, trust=[own]).first_failure is not None


def test_a_trust_file_without_a_certificate_is_a_usage_error(pack: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", "utf-8")
    with pytest.raises(UsageError, match="holds no certificate"):
        verify_pack(pack, trust=[junk])


# --------------------------------------------------------------------------- the command


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_verify_command_exit_codes_and_text(pack: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "verify", str(pack))
    assert (code, err) == (ExitCode.OK, "")
    lines = out.splitlines()
    assert lines[0] == "✓ manifest.json: the seal matches"
    assert f"✓ {SIGNED}" in lines and "✓ index.html" in lines
    assert any(line.startswith("    ! signature Signature1: intact, covers the whole file; signed by "
                               "Release Signer at 2026-11-25T12:00:00Z") for line in lines)
    assert f"✓ {pack}: 4 files and 1 signature verify (1 warning)" in lines

    _flip(pack / "obligations.json", 0)
    code, out, _ = _run(capsys, "verify", str(pack))
    assert code == ExitCode.FINDINGS
    assert "✗ obligations.json: its SHA-256 differs from the manifest" in out
    assert f"✗ {pack} does not verify: obligations.json:" in out

    for target in (tmp_path / "nowhere", tmp_path, pack / "index.html"):
        code, out, err = _run(capsys, "verify", str(target))
        assert code == ExitCode.USAGE and out == "" and err.startswith("error: ")


def test_verify_command_json_has_the_same_content(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "verify", str(pack), "--format", "json")
    data = json.loads(out)
    assert code == ExitCode.OK and data == verify_pack(pack).to_json()
    assert data["ok"] is True and data["first_failure"] is None and data["signatures"] == 1
    assert data["files"][-1]["signatures"][0]["chain"] == "self-signed"
    (pack / "manifest.json").write_bytes(b"{}")
    code, out, _ = _run(capsys, "verify", str(pack), "--format", "json")
    data = json.loads(out)
    assert code == ExitCode.FINDINGS and data["first_failure"]["file"] == "manifest.json"


def test_report_json_is_plain_data(pack: Path) -> None:
    report = verify_pack(pack)
    assert isinstance(report, VerifyReport)
    assert json.loads(json.dumps(report.to_json())) == report.to_json()


def _loaded_after(*argv: str) -> list[str]:
    """Which of WeasyPrint and pyHanko a fresh interpreter has loaded after running the CLI."""
    code = (f"import sys, runpy; sys.argv = ['compliance', *{list(argv)!r}]\n"
            "try:\n    runpy.run_module('compliance', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'pyhanko'}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    line = next((x for x in result.stdout.splitlines() if x.startswith("LOADED ")), None)
    assert line is not None, result.stdout + result.stderr
    loaded: list[str] = json.loads(line.removeprefix("LOADED ").replace("'", '"'))
    return loaded


def test_verify_loads_no_weasyprint_and_validate_no_pyhanko(pack: Path) -> None:
    assert _loaded_after("verify", str(pack)) == ["pyhanko"]
    assert _loaded_after("validate", str(ROOT / "examples" / "customer-service-chatbot.yaml")) == []
