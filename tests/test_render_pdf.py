"""Structural checks of rendered PDFs (pypdf). Packs are built once per session (_packs)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from _packs import pack
from pypdf import PdfReader

pytestmark = pytest.mark.slow


def _reader(name: str, stem: str) -> PdfReader:
    return PdfReader(pack(name) / f"{stem}.pdf")


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_annex_iv_structure_and_page_count() -> None:
    reader = _reader("hiring", "annex-iv-technical-documentation")
    assert 6 <= len(reader.pages) <= 20
    text = _text(reader)
    for i in range(1, 10):
        assert f"Annex IV({i})" in text
    for point in "abcdefgh":
        assert f"Annex IV(1)({point})" in text and f"Annex IV(2)({point})" in text
    bookmarks = _outline_titles(reader)
    assert any(t.startswith("Annex IV(5)") for t in bookmarks)
    assert "Document control" in bookmarks and "Sign-off" in bookmarks


def test_running_footer_page_x_of_y_and_toc_page_numbers() -> None:
    reader = _reader("hiring", "annex-iv-technical-documentation")
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        assert f"Page {number} of {total}" in (page.extract_text() or "")
    toc = reader.pages[2].extract_text() or ""
    assert toc.startswith("Contents\n")
    entries = _toc_entries(toc)
    assert entries, toc
    # target-counter() filled in: the first section starts on page 4 (cover, control, contents)
    assert entries[0] == ("Annex IV(1) General description of the AI system", 4)
    # every entry names the page its section starts on, which is where its bookmark points
    sections = [(" ".join(item.title.split()), reader.get_destination_page_number(item) + 1)
                for item in _top_level(reader.outline)
                if item.title not in ("Document control", "Contents")]
    assert entries == sections
    titles = [title for title, _ in entries]
    assert [t.split(" ")[1] for t in titles[:9]] == [f"IV({i})" for i in range(1, 10)]
    assert titles[9:] == ["Gaps", "Sign-off"] and entries[-1] == ("Sign-off", total)
    pages = [page for _, page in entries]
    assert pages == sorted(pages) and len(set(pages)) > 3


def _top_level(outline: list) -> list:  # type: ignore[type-arg]
    """The sections directly under the document's own bookmark."""
    (root, children) = outline
    assert not isinstance(root, list) and isinstance(children, list)
    return [item for item in children if not isinstance(item, list)]


def _toc_entries(toc: str) -> list[tuple[str, int]]:
    """(title, page) of each line of the contents page; a title may wrap onto the next line,
    and the running footer (document title, then "Not legal advice ... Page x of y") follows."""
    lines = toc.split("\n")[1:]
    while lines and not re.search(r"\.{3,} \d+$", lines[-1]):
        lines.pop()  # the running footer
    entries, pending = [], ""
    for line in lines:
        pending = f"{pending} {line}".strip()
        match = re.fullmatch(r"(.+?) ?\.{3,} (\d+)", pending)
        if match:
            entries.append((" ".join(match[1].split()), int(match[2])))
            pending = ""
    assert not pending, pending
    return entries


def test_cover_has_identity_and_notice() -> None:
    reader = _reader("hiring", "annex-iv-technical-documentation")
    cover = reader.pages[0].extract_text() or ""
    manifest = json.loads((pack("hiring") / "manifest.json").read_text())
    assert "Hiring Assistant" in cover and "2.3.0" in cover and "2026-11-25" in cover
    assert manifest["descriptor"]["sha256"][:20] in cover.replace("\n", "")
    assert "Not legal advice".upper() in cover.upper()


def test_metadata_pdfa_and_attachments() -> None:
    reader = _reader("hiring", "transparency-report")
    meta = reader.metadata
    assert meta is not None and "Transparency report" in (meta.title or "")
    assert meta.get("/CreationDate", "").startswith("D:20261125")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid" in xmp and 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp  # tagged PDF/A-3a that also declares PDF/UA-1
    attachments = reader.attachments
    assert set(attachments) == {"descriptor.yaml", "obligations.json"}
    original = (pack("hiring") / "descriptor.yaml").read_bytes()
    assert attachments["descriptor.yaml"][0] == original
    assert json.loads(attachments["obligations.json"][0])["system"]["id"] == "hiring-assistant"


def test_fonts_are_embedded_bundled_dejavu() -> None:
    reader = _reader("hiring", "fria")
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            assert descriptor is not None
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    # only the bundled @font-face families (subset-embedded), never a host font
    assert fonts and all(f.split("+", 1)[1].startswith("Doc-") for f in fonts), fonts


def test_gpai_documents_headings() -> None:
    xi = _text(_reader("gpai", "annex-xi-model-documentation-om-7b"))
    for section in range(1, 9):
        assert f"MDF §{section}" in xi
    assert "AIO" in xi and "NCA" in xi and "DP" in xi
    assert "Annex XI, Section 2" in xi
    xii = _text(_reader("gpai", "annex-xii-downstream-information-om-7b"))
    assert "Annex XII(1)" in xii and "Annex XII(2)(b)" in xii
    summary = _text(_reader("gpai", "training-content-summary-om-7b"))
    assert "Template §2" in summary and "Template §3.1" in summary


def test_gap_visible_in_pdf() -> None:
    # in the document, one line where the fact is missing; in the gap dashboard, the section to
    # link evidence to and the obligation it blocks
    text = " ".join(_text(_reader("hiring", "annex-v-declaration-of-conformity")).split())
    assert "Missing: References to relevant harmonised standards" in text
    assert "see the pack's gap dashboard, item" in text and "annex_v.6" not in text
    dashboard = " ".join(_text(_reader("hiring", "gaps")).split())
    assert "annex_v.6" in dashboard and "Art. 47(1)" in dashboard


def test_two_renders_are_byte_identical() -> None:
    first, second = pack("hiring", 0), pack("hiring", 1)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_injection_fetches_nothing(tmp_path) -> None:
    from compliance.documents.environment import template_dirs
    from compliance.documents.pdf import render_pdf

    hostile = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<style>@import url("file:///etc/passwd"); body{background:url(file:///etc/hostname)}'
        '</style></head><body><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/t.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="../../../../etc/passwd">'
        '<p>text</p></body></html>'
    )
    result = render_pdf(hostile, roots=template_dirs(None), as_of=dt.date(2026, 11, 25),
                        variant=None)
    assert result.pages == 1
    refused = " ".join(result.refused)
    for url in ("http://127.0.0.1:9/x.css", "file:///etc/passwd", "file:///etc/hostname",
                "http://127.0.0.1:9/t.png", "data:image/png"):
        assert url in refused
    assert "root:" not in (PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text() or "")
