"""Release renditions (build --release): one clean copy per audience, nothing internal in it,
signed when asked, verifiable, refused while facts are missing unless --allow-gaps; the drafts
stay exactly as a build without --release makes them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from _packs import AS_OF, DATA, pack, release_pack, sample_assessment
from pypdf import PdfReader

from compliance.documents.selection import DOCUMENTS

SPECS = {spec.filename: spec for spec in DOCUMENTS}
# descriptor and assessment paths as the drafts print them (organisation.size, models[m].licence …)
FIELD_PATH = re.compile(r"\b(?:organisation|system|models|model)(?:\[[^\]]*\])?\.[a-z_]+\b")


def _spec(stem: str):  # type: ignore[no-untyped-def]
    for filename, spec in SPECS.items():
        if stem == filename or stem.startswith(filename + "-"):
            return spec
    raise AssertionError(f"no document spec for {stem}")


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _attachments(path: Path) -> dict[str, bytes]:
    return {name: data[0] for name, data in PdfReader(path).attachments.items()}


@pytest.fixture(scope="module", params=["hiring", "gpai"])
def released(request: pytest.FixtureRequest) -> Path:
    return release_pack(request.param)


@pytest.fixture(scope="module")
def draft(released: Path) -> Path:
    """The same pack built without --release."""
    return pack(released.parent.name.removeprefix("release-").rsplit("-", 1)[0])


def test_each_document_goes_to_its_audiences(released: Path) -> None:
    manifest = json.loads((released / "manifest.json").read_text("utf-8"))
    drafts = [d for d in manifest["documents"] if d["present"] and d["file"]]
    expected = sorted(f"release/{audience}/{Path(d['file']).name}" for d in drafts
                      for audience in _spec(Path(d["file"]).stem).release)
    assert expected, "the fixture should release something"
    listed = sorted(r["path"] for r in manifest["release"]["files"])
    assert listed == expected
    on_disk = sorted(str(p.relative_to(released)) for p in (released / "release").rglob("*.pdf"))
    assert on_disk == expected
    hashed = {f["path"] for f in manifest["files"]}
    assert set(expected) <= hashed  # verify covers them
    assert manifest["release"]["signed"] is True


def test_a_release_copy_carries_nothing_internal(released: Path) -> None:
    for path in sorted((released / "release").rglob("*.pdf")):
        audience = path.parent.name
        text = _text(path)
        where = f"{path.relative_to(released)}"
        assert "Not legal advice" not in text, where
        assert "GAP" not in text and "Gaps" not in text and "Sign-off" not in text, where
        assert "Descriptor SHA-256" not in text and "Rule data" not in text and "Contents" not in text, where
        assert not FIELD_PATH.search(text), (where, FIELD_PATH.search(text))
        attached = _attachments(path)
        if audience == "authority" and path.stem != "incident-log":
            assert list(attached) == [f"{path.stem}.json"], where
            fields = json.loads(attached[f"{path.stem}.json"])
            assert fields["document"] == path.stem and fields["sections"]
        else:
            assert attached == {}, where
        assert b"descriptor.yaml" not in path.read_bytes(), where


def test_missing_items_read_not_provided(released: Path) -> None:
    manifest = json.loads((released / "manifest.json").read_text("utf-8"))
    with_gaps = [r for r in manifest["release"]["files"] if r["not_provided"]]
    assert with_gaps, "the sample descriptors leave facts out"
    for r in with_gaps:
        assert "Not provided." in _text(released / r["path"])


def test_the_drafts_are_unchanged(released: Path, draft: Path) -> None:
    for path in sorted(draft.glob("*.pdf")):
        assert (released / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_release_verifies_and_a_changed_byte_is_caught(released: Path, tmp_path: Path) -> None:
    from compliance.documents.verify import verify_pack

    report = verify_pack(released)
    assert report.ok and report.signatures == len(list((released / "release").rglob("*.pdf")))
    copy = tmp_path / "pack"
    shutil.copytree(released, copy)
    target = sorted((copy / "release").rglob("*.pdf"))[0]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    failed = verify_pack(copy)
    assert not failed.ok
    assert failed.first_failure is not None
    assert failed.first_failure.file == str(target.relative_to(copy))


def test_the_declaration_has_a_visible_signature_field() -> None:
    released = release_pack("hiring")
    for audience in ("authority", "downstream"):
        reader = PdfReader(released / "release" / audience / "annex-v-declaration-of-conformity.pdf")
        widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []
                   if a.get_object().get("/FT") == "/Sig"]
        assert len(widgets) == 1
        x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
        assert x2 - x1 > 50 and y2 - y1 > 20  # a box to see, not a zero-size field
    iv = PdfReader(released / "release" / "authority" / "annex-iv-technical-documentation.pdf")
    sig = [a.get_object() for page in iv.pages for a in page.get("/Annots") or []
           if a.get_object().get("/FT") == "/Sig"]
    assert len(sig) == 1 and [float(v) for v in sig[0]["/Rect"]] == [0.0, 0.0, 0.0, 0.0]


def test_the_release_is_reproducible() -> None:
    first, second = release_pack("hiring"), release_pack("hiring", run=1)
    for path in sorted((first / "release").rglob("*.pdf")):
        assert (second / path.relative_to(first)).read_bytes() == path.read_bytes(), path.name


def test_a_release_with_gaps_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    from compliance.documents.pack import build
    from compliance.documents.release import ReleaseGapsError, ReleaseOptions

    with pytest.raises(ReleaseGapsError) as refused:
        build(DATA / "hiring.yaml", tmp_path / "out", AS_OF, {"pdf"}, None,
              assessment=sample_assessment("hiring"), release=ReleaseOptions())
    message = refused.value.message
    assert "the release is refused" in message
    assert re.search(r"\n  annex-v-declaration-of-conformity \(downstream\): Annex V\(\d\)", message)
    assert "--allow-gaps" in (refused.value.hint or "")
    assert not (tmp_path / "out" / "hiring-assistant").exists()


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from compliance.cli import main

    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


def test_the_cli_refuses_a_wrong_password_and_lonely_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from _packs import SIGN_PASSWORD, signing_key

    key = tmp_path / "key.p12"
    key.write_bytes(signing_key())
    out = str(tmp_path / "out")
    monkeypatch.setenv("COMPLIANCE_SIGN_PASSWORD", "not-it")
    code, wrong = _main(capsys, "build", str(DATA / "gpai.yaml"), "-o", out, "--as-of", AS_OF.isoformat(),
                        "--release", "--allow-gaps", "--sign", str(key))
    assert code == 2 and "the signing key store cannot be opened" in wrong
    assert "not-it" not in wrong and not (tmp_path / "out").exists()
    code, lonely = _main(capsys, "build", str(DATA / "gpai.yaml"), "-o", out, "--allow-gaps")
    assert code == 2 and "go with --release" in lonely
    code, html = _main(capsys, "build", str(DATA / "gpai.yaml"), "-o", out, "--release", "--format", "html")
    assert code == 2 and "release renditions are PDFs" in html
    assert SIGN_PASSWORD.decode() not in wrong + lonely + html


def _sb53_context(redactions: list[dict]) -> dict:
    field = {"id": "ca_transparency_report.c_2.a", "label": "Summary of catastrophic-risk assessments",
             "citation": "§ 22757.12(c)(2)(A)", "lines": ["Assessed cyber-offence uplift: high"],
             "recipients": [], "evidence": [], "gap": None, "not_applicable": ""}
    statement = {"id": "ca_transparency_report.f.redactions", "label": "Redactions made and their justification",
                 "citation": "", "lines": [], "recipients": [], "evidence": [], "gap": None,
                 "not_applicable": "None stated."}
    return {
        "doc": {"title": "Transparency report"}, "meta": {"organisation": "Lab"}, "legend": [], "gaps": [],
        "toc": [], "signoff": [], "intro": "draft intro", "redactions": redactions,
        "release_redactions": {"audiences": ["public"], "basis": "§ 22757.12(f)",
                               "statement_field": "ca_transparency_report.f.redactions",
                               "reasons": {"trade_secret": "to protect the developer's trade secrets"}},
        "sections": [
            {"id": "ca_transparency_report.c_2", "heading": "Summaries", "citation": "§ 22757.12(c)(2)",
             "fields": [field], "children": [], "evidence": [], "gap": None},
            {"id": "ca_transparency_report.f", "heading": "Redactions", "citation": "§ 22757.12(f)",
             "fields": [statement], "children": [], "evidence": [], "gap": None},
        ],
    }


def test_a_redaction_the_law_allows_is_applied_and_stated() -> None:
    from compliance.documents.release import refuse_redactions, release_document

    redaction = {"section": "ca_transparency_report.c_2.a", "reason": "trade_secret",
                 "description": "evaluation prompts and scores of an unreleased benchmark"}
    public = release_document("ca-frontier-model-transparency-report-m", "public", _sb53_context([redaction]))
    withheld, statement = public.context["sections"][0]["fields"][0], public.context["sections"][1]["fields"][0]
    assert withheld["lines"] == ["Redacted under § 22757.12(f) to protect the developer's trade secrets."]
    assert "cyber-offence" not in str(public.context)  # the value is gone from the copy, not only hidden
    assert statement["lines"] == ["§ 22757.12(c)(2)(A) Summary of catastrophic-risk assessments: evaluation "
                                  "prompts and scores of an unreleased benchmark (redacted to protect the "
                                  "developer's trade secrets)"]
    assert public.redacted == ["ca_transparency_report.c_2.a"]
    refuse_redactions([public], {"ca_transparency_report.c_2.a"})
    # another audience (were the document given to one) keeps the text
    other = release_document("x", "authority", _sb53_context([redaction]))
    assert other.context["sections"][0]["fields"][0]["lines"] == ["Assessed cyber-offence uplift: high"]


def test_a_redaction_that_names_nothing_refuses_the_release() -> None:
    from compliance.documents.release import ReleaseGapsError, refuse_redactions, release_document

    typo = {"section": "ca_transparency_report.c_2.z", "reason": "trade_secret", "description": "x"}
    public = release_document("ca-frontier-model-transparency-report-m", "public", _sb53_context([typo]))
    assert "cyber-offence" in str(public.context)
    with pytest.raises(ReleaseGapsError, match=r"redaction of ca_transparency_report\.c_2\.z names no part"):
        refuse_redactions([public], {"ca_transparency_report.c_2.z"})
