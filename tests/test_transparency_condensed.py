"""The pack's transparency report condenses what does not bind when the law of several
jurisdictions applies: obligations that do not apply, classifications that do not hold and
disclosure duties that do not apply are listed by citation only, and nothing is lost."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from compliance.documents.context import PackInfo
from compliance.documents.pack import assess_descriptor, load_descriptor, render_documents

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 12, 7)


def _report(name: str) -> tuple[dict, str]:
    path = EXAMPLES / name
    descriptor = load_descriptor(path)
    assessment = assess_descriptor(descriptor, AS_OF)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    _, docs = render_documents(descriptor, assessment, info, None)
    report = next(d for d in docs if d.decision.spec.always)
    return report.context, report.html


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_several_applying_jurisdictions_give_the_condensed_form() -> None:
    ctx, markup = _report("frontier-model-provider.yaml")
    applying = [j["name"] for j in ctx["jurisdictions"]
                if any(r["verdict"] == "applies" for r in j["obligations"])]
    assert len(applying) > 1
    assert ctx["condensed"] is True
    assert ctx["applying_jurisdictions"] == applying
    assert "Condensed form" in markup
    # no two-column list of what does not apply: citations run on in one paragraph
    assert 'class="compact"' not in markup
    text = _text(markup)
    # nothing is lost: every citation that does not apply or hold is still named
    for j in ctx["jurisdictions"]:
        for row in j["obligations_not"]:
            assert row["citation"] in text
        for c in j["classifications_false"]:
            assert c["citation"] in text
    # the register still lists every obligation that applies or is undetermined
    for j in ctx["jurisdictions"]:
        for row in j["obligations_open"]:
            assert row["title"] in text


def test_one_applying_jurisdiction_keeps_the_full_form() -> None:
    ctx, markup = _report("recruitment-screening-provider.yaml")
    assert ctx["condensed"] is False
    assert "Condensed form" not in markup
    assert "Reasons" in markup  # the disclosure table keeps its reasons column


@pytest.mark.parametrize("name", ["frontier-model-provider.yaml"])
def test_condensed_reasons_say_how_many_are_left_out(name: str) -> None:
    ctx, markup = _report(name)
    cap = ctx["reasons_cap"]
    long = [c for j in ctx["jurisdictions"] for c in j["classifications"]
            if len(c["reasons"]) > cap]
    for c in long:
        assert f"… and {len(c['reasons']) - cap} more (obligations.json)" in markup


def test_a_model_document_names_its_model_in_the_running_header() -> None:
    """Past the cover, every page of a model document is headed by the model, not the system."""
    from _packs import pack
    from pypdf import PdfReader

    folder = pack("gpai")
    model_docs = sorted(folder.glob("annex-xi-*.pdf")) + sorted(folder.glob("training-content-summary-*.pdf"))
    assert model_docs
    for path in model_docs:
        pages = PdfReader(path).pages
        for page in pages[1:]:
            assert "Model: " in page.extract_text(), path.name
    report = PdfReader(folder / "transparency-report.pdf").pages[1].extract_text()
    assert "Model: " not in report


def test_a_release_copy_never_points_into_the_pack() -> None:
    """A release rendition travels alone: the draft's "see … in this pack" statements are replaced
    by their ``release_text`` / ``release_intro`` wording."""
    from compliance.documents.release import release_document

    path = EXAMPLES / "frontier-model-provider.yaml"
    descriptor = load_descriptor(path)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    _, docs = render_documents(descriptor, assess_descriptor(descriptor, AS_OF), info, None)
    framework = next(d for d in docs if d.decision.spec.key == "ca_frontier_ai_framework")
    assert "this pack" in _text(framework.html)  # the draft may say it
    released = release_document(framework.decision.stem, "public", framework.context).context

    def texts(sections: list) -> list[str]:
        out = []
        for s in sections:
            out += [s.get("intro") or "", *(line for f in s["fields"] for line in f.get("lines") or [])]
            out += texts(s["children"])
        return out

    assert not any("this pack" in t for t in texts(released["sections"]))
