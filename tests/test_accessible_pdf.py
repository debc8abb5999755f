"""Accessible PDFs (issue 17): tagged PDF/A-3a with the PDF/UA-1 identification, web links from
the data as link annotations, and the print rules for identifiers. The packs are the session's
(_packs); the small renders here are single pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from _packs import DATA, pack
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

from compliance.documents.environment import links

PACKS = ("hiring", "gpai")


def _pdfs() -> list[tuple[str, Path]]:
    return [(name, path) for name in PACKS for path in sorted(pack(name).glob("*.pdf"))]


def _xmp(reader: PdfReader) -> str:
    data: bytes = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return data.decode("utf-8")


def _uris(reader: PdfReader) -> list[str]:
    return [annot["/A"]["/URI"] for page in reader.pages
            for annot in (a.get_object() for a in page.get("/Annots") or [])
            if "/A" in annot and annot["/A"].get("/S") == "/URI"]


def _structure(reader: PdfReader) -> tuple[set[int], list[DictionaryObject]]:
    """Object numbers of the structure elements reachable from the root, and the elements in
    reading order."""
    reached: set[int] = set()
    elements: list[DictionaryObject] = []

    def walk(item: object) -> None:
        if isinstance(item, IndirectObject):
            if item.idnum in reached:
                return
            reached.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject) and item.get("/Type") != "/OBJR":
            elements.append(item)
            kids = item.get("/K")
            for kid in kids if isinstance(kids, ArrayObject) else [kids]:
                walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    for kid in root["/K"]:
        walk(kid)
    return reached, elements


@pytest.mark.slow
def test_every_document_is_tagged_pdfa3a_and_pdfua1() -> None:
    documents = _pdfs()
    assert len(documents) >= 8
    for _name, path in documents:
        _check_accessible(PdfReader(path))


def _check_accessible(reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en"  # <html lang="en">
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata is not None and reader.metadata.title  # the title the viewer shows
    # bookmarks: the document's title (the cover heading), with the headings under it
    (top, children) = reader.outline
    cover = "".join(reader.pages[0].extract_text().split())
    assert top.title and "".join(top.title.split()) in cover
    titles = [c.title for c in children if not isinstance(c, list)]
    # the gap dashboard is a working list, signed by no one
    assert len(titles) >= 3 and ("Sign-off" in titles or top.title == "Gap dashboard")
    xmp = _xmp(reader)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    # PDF/A-3 accepts the pdfuaid property only with its extension schema declared
    declared = re.search(r"<pdfaSchema:namespaceURI>([^<]+)</pdfaSchema:namespaceURI>\s*"
                         r"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>", xmp)
    assert declared and declared[1] == "http://www.aiim.org/pdfua/ns/id/"
    assert "<dc:title>" in xmp
    # the attachments PDF/A-3 carries are still there, with their relationship
    assert set(reader.attachments) == {"descriptor.yaml", "obligations.json"}
    assert len({ref.idnum for ref in catalog["/AF"]}) == 2
    for page in reader.pages:
        assert page["/Tabs"] == "/S"  # tab order follows the structure


@pytest.mark.slow
def test_the_structure_tree_holds_headings_tables_links_and_no_loose_content() -> None:
    reader = PdfReader(pack("hiring") / "annex-iv-technical-documentation.pdf")
    reached, elements = _structure(reader)
    kinds = [str(e["/S"]) for e in elements]
    assert kinds[0] == "/Document"
    assert {"/H1", "/H2", "/H3", "/P", "/Table", "/TH", "/TD", "/L", "/LI", "/Link"} <= set(kinds)
    levels = [int(k[2]) for k in kinds if re.fullmatch(r"/H[1-6]", k)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    # every marked-content sequence maps to an element of the tree: the running header and
    # footer (page margin boxes) are pagination artifacts, not loose elements
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    nums = root["/ParentTree"].get_object()["/Nums"]
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        targets = value if isinstance(value, ArrayObject) else [value]
        for target in targets:
            assert isinstance(target, NullObject) or target.idnum in reached, (key, target)
    for number, page in enumerate(reader.pages, 1):
        content = page.get_contents().get_data()
        assert content.count(b"/Artifact\n<</Type /Pagination>>\nBDC") >= 2, number
    # every link annotation is in the tree and has a text alternative
    for page in reader.pages:
        for annot in (a.get_object() for a in page.get("/Annots") or []):
            assert "/StructParent" in annot and annot["/Contents"]


@pytest.mark.slow
def test_key_value_tables_have_row_headers() -> None:
    reader = PdfReader(pack("hiring") / "annex-iv-technical-documentation.pdf")
    _reached, elements = _structure(reader)
    table = next(e for e in elements if e["/S"] == "/Table")  # the cover's facts
    rows = [e for e in elements if e["/S"] == "/TR" and e["/P"].get_object() is not None]
    headers = {str(e["/ID"]): e for e in elements if e["/S"] == "/TH" and "/ID" in e}
    cells = [e for e in elements if e["/S"] == "/TD"]
    assert table and rows and cells
    # each value cell of the cover table names the header cell of its own row
    for cell in cells[:5]:
        (header,) = cell["/A"]["/Headers"]
        assert headers[str(header)]["/P"].get_object() == cell["/P"].get_object()


@pytest.mark.slow
def test_urls_in_the_data_are_link_annotations() -> None:
    descriptor = (DATA / "gpai.yaml").read_text("utf-8")
    licence, source = "https://www.apache.org/licenses/LICENSE-2.0", "https://example.org/fineweb"
    assert licence in descriptor and source in descriptor  # from the data, not invented
    reader = PdfReader(pack("gpai") / "annex-xi-model-documentation-om-7b.pdf")
    uris = _uris(reader)
    assert licence in uris and source in uris
    assert all(uri.startswith("https://") for uri in uris)
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert licence in text  # printed as before, and the text is the link's target
    report = PdfReader(pack("gpai") / "transparency-report.pdf")
    assert licence in _uris(report)  # the licence column of the openness table
    # no document links anywhere else than the data says
    for _name, path in _pdfs():
        assert set(_uris(PdfReader(path))) <= {licence, source}, path.name


def _render(body: str) -> tuple[PdfReader, list[str]]:
    from compliance.documents.environment import template_dirs
    from compliance.documents.pdf import render_pdf

    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            f'<link rel="stylesheet" href="base/print.css"></head><body>{body}</body></html>')
    result = render_pdf(html, roots=template_dirs(None), as_of=dt.date(2026, 11, 25))
    return PdfReader(io.BytesIO(result.pdf)), result.refused


def test_a_link_is_an_annotation_and_nothing_is_fetched() -> None:
    url = "http://127.0.0.1:9/never-fetched?a=1&b=2"
    reader, refused = _render(f"<p>See {links(url)}.</p>")
    assert _uris(reader) == [url]
    # SafeFetcher records every URL it is asked for (and refuses all but template files): the
    # link was never requested
    assert refused == []


def test_identifiers_and_urls_wrap_without_hyphens() -> None:
    path = "eu.ai_act.art_10_4_setting_specific_data_governance_requirements"
    url = "https://halcyonridge.example/licence/community-1.0/acceptable-use-policy"
    cell = "width: 26mm"
    reader, _ = _render(
        f'<table><colgroup><col style="{cell}"><col></colgroup><tr><td>'
        f'<span class="mono small">{path}</span></td><td></td></tr><tr><td>{links(url)}</td>'
        f'<td></td></tr></table>')
    lines = reader.pages[0].extract_text().split("\n")
    body = [line for line in lines if line and "Page" not in line and "legal" not in line]
    assert len(body) > 4  # both wrapped over several lines ...
    joined = "".join(body)
    assert path in joined and url in joined  # ... and no hyphen was inserted at a break
    assert "\u2010" not in joined  # the hyphen WeasyPrint inserts when it hyphenates


def test_links_filter_escapes_and_links_only_plain_http_urls() -> None:
    assert str(links("Apache-2.0 — https://www.apache.org/licenses/LICENSE-2.0")) == (
        'Apache-2.0 — <a href="https://www.apache.org/licenses/LICENSE-2.0">'
        "https://www.apache.org/licenses/LICENSE-2.0</a>")
    # sentence punctuation after a URL is not part of it; a balanced parenthesis is
    assert str(links("(see https://a.example/x).")) == (
        '(see <a href="https://a.example/x">https://a.example/x</a>).')
    assert 'href="https://a.example/w_(x)"' in str(links("https://a.example/w_(x)"))
    # everything is escaped, in the text and in the attribute
    assert str(links("<b> https://a.example/?q=1&r=2")) == (
        '&lt;b&gt; <a href="https://a.example/?q=1&amp;r=2">https://a.example/?q=1&amp;r=2</a>')
    # not linked: other schemes, markup or quotes in the URL, non-ASCII, no host
    for text in ("javascript:alert(1)", "ftp://a.example/x", "file:///etc/passwd",
                 'https://a.example/"><script>x</script>', "https://bücher.example/",
                 "https://", "mailto:a@b.example", "data:text/html,x"):
        out = str(links(text))
        assert "<a " not in out, text
        assert "<script>" not in out
