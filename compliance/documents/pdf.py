"""HTML -> PDF with WeasyPrint. The only module that imports WeasyPrint.

Safety: the URL fetcher serves only regular files under the template directories (the user's
``--templates`` directory first, then the bundled templates). Every other URL — ``file:`` paths
elsewhere, ``http(s):``, ``data:``, ``ftp:`` — is refused, so a descriptor value such as
``<img src="file:///etc/passwd">`` (which the autoescaping template prints as text anyway) can
never make the renderer read or request anything. A link (``<a href="https://...">``, which
the templates make only of the http(s) URLs in the data) is a link annotation in the PDF: the
renderer never fetches it.

Determinism: creation and modification dates come from the as-of date, attachments carry the
same date, and the PDF file identifier is derived from the content, so the same inputs give
byte-identical files.

Fonts: only the stylesheet's ``@font-face`` fonts (bundled under ``templates/base/fonts/``, served
by the fetcher) are ever used. WeasyPrint finds fonts through fontconfig, whose configuration on
a desktop or server lists the host's font folders, aliases and rendering tweaks: a character
the bundled fonts lack would then be drawn from whatever font the machine has (different bytes,
on some machines a different look). :func:`_font_configuration` gives WeasyPrint a fontconfig
configuration of its own, read from an empty ``fonts.conf`` (no font folder, no include of the
host's ``conf.d``), to which WeasyPrint adds the ``@font-face`` files only (plus the bundled
DejaVu Sans as the font of last resort, ``_LAST_RESORT_CSS``). A character that no bundled font
has is drawn as the missing-glyph box (``.notdef``) of a bundled font.

Accessibility: documents are tagged PDF/A-3a (``DEFAULT_VARIANT``): a structure tree built from
the HTML (headings, sections, paragraphs, lists, tables with their header cells, links), marked
content, the document language from ``<html lang>`` in the catalog, the title shown in the
viewer's title bar (``DisplayDocTitle``) and bookmarks from the headings. WeasyPrint 70 renders
one variant at a time (``pdf/a-3a`` or ``pdf/ua-1``, not both), so :func:`_finish` adds what
PDF/UA-1 asks beyond that: the running headers and footers (page margin boxes, which WeasyPrint
tags but leaves out of the structure tree) become pagination artifacts, and the XMP packet gains
the PDF/UA-1 identification (``pdfuaid:part``) with the extension schema that PDF/A requires for
it. The PDF/A-3 attachments stay (PDF/UA puts no limit on them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
import tempfile
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

with warnings.catch_warnings():
    # WeasyPrint warns at import when libharfbuzz-subset is missing (it falls back to fontTools).
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    import pydyf
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Tagged PDF/A-3 (level A: accessible), with the PDF/UA-1 identification added (:func:`_finish`).
DEFAULT_VARIANT = "pdf/a-3a"
#: The variants that also declare PDF/UA-1: tagged PDF/A-2 and PDF/A-3 (their XMP takes an
#: extension schema; PDF/A-1 metadata is left as WeasyPrint writes it).
_PDFUA_WITH = frozenset({"pdf/a-2a", "pdf/a-3a"})

_MIME = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
         ".woff2": "font/woff2", ".png": "image/png", ".svg": "image/svg+xml",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class RefusedURL(ValueError):
    """A resource outside the template directories was requested."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serves files under ``roots`` only; an override in an earlier root shadows later ones.

    ``roots[-1]`` is the bundled template directory, which is also the base URL of every
    document; a relative reference such as ``base/print.css`` is looked up in each root in order.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []
        self.served: list[str] = []
        self.missing: list[str] = []
        """Relative names asked for inside the template folders that no folder holds (a font
        or stylesheet missing from the installation)."""

    def _locate(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused (not a template file): {url[:200]}")
        requested = Path(unquote(parts.path)).resolve()
        for root in self.roots:
            if requested.is_relative_to(root):
                relative = requested.relative_to(root)
                for candidate_root in self.roots:  # user templates shadow bundled ones
                    candidate = (candidate_root / relative).resolve()
                    if candidate.is_relative_to(candidate_root) and candidate.is_file():
                        return candidate
                if not any(os.path.lexists(r / relative) for r in self.roots):
                    self.missing.append(str(relative))
                    raise RefusedURL(f"not found in the template directories: {relative}")
                break
        raise RefusedURL(f"refused (outside the template directories): {url[:200]}")

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self._locate(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        self.served.append(str(path))
        mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(),
            headers={"Content-Type": mime or "application/octet-stream"},
        )


@dataclass(frozen=True)
class AttachmentData:
    name: str
    data: bytes
    description: str
    relationship: str = "Source"


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)


def _as_of_datetime(as_of: dt.date) -> dt.datetime:
    return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)


#: The fontconfig configuration documents are rendered with: no <dir> (no host font folder), no
#: <include> (none of the host's aliases, substitutions or synthetic styles), no <cachedir>
#: (nothing is scanned, so nothing is cached). WeasyPrint adds each @font-face file to it.
_FONTCONFIG_XML = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
    b"<fontconfig>\n"
    b"  <!-- compliance: no host fonts; only the documents' @font-face files -->\n"
    b"</fontconfig>\n"
)


#: The font of last resort, so that fontconfig never has no font at all (a document without the
#: print stylesheet, e.g. one a user's template breaks): the bundled DejaVu Sans, declared
#: exactly as ``base/print.css`` declares "Doc Sans" (same family, file URL and descriptors),
#: which WeasyPrint then loads once for both.
_LAST_RESORT_CSS = (
    '@font-face { font-family: "Doc Sans"; src: url("base/fonts/DejaVuSans.ttf"); '
    "font-weight: normal; font-style: normal; }"
)


def _font_configuration() -> FontConfiguration:
    """A WeasyPrint font configuration that knows no host font.

    WeasyPrint's :class:`FontConfiguration` loads fontconfig's configuration from the file named
    by ``FONTCONFIG_FILE`` (read when the object is made, not later); that variable points at an
    empty configuration only while it is made, and the file is deleted right after."""
    previous = os.environ.get("FONTCONFIG_FILE")
    with tempfile.TemporaryDirectory(prefix="compliance-fontconfig-") as folder:
        conf = Path(folder) / "fonts.conf"
        conf.write_bytes(_FONTCONFIG_XML)
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            return FontConfiguration()
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = previous


def render_pdf(
    html: str,
    *,
    roots: Sequence[Path],
    as_of: dt.date,
    attachments: Sequence[AttachmentData] = (),
    variant: str | None = DEFAULT_VARIANT,
) -> RenderResult:
    """Render ``html`` (base URL: the last of ``roots``) to PDF bytes. The HTML comes from the
    template environment, which has already shown control and bidi-override characters as escapes
    (compliance.documents.environment)."""
    fetcher = SafeFetcher(roots)
    base_url = Path(roots[-1]).resolve().as_uri() + "/"
    when = _as_of_datetime(as_of)
    # WeasyPrint reports refused resources through logging; they are collected in `refused`.
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    # fontTools stamps subset fonts with the current time unless SOURCE_DATE_EPOCH is set.
    previous_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        font_config = _font_configuration()
        last_resort = weasyprint.CSS(string=_LAST_RESORT_CSS, base_url=base_url,
                                     url_fetcher=fetcher, font_config=font_config)
        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=fetcher
        ).render(font_config=font_config, stylesheets=[last_resort])
        files = [
            weasyprint.Attachment(
                string=a.data, name=a.name, description=a.description,
                created=when, modified=when, relationship=a.relationship,
                url_fetcher=fetcher,
            )
            for a in attachments
        ]
        digest = hashlib.sha256(html.encode("utf-8"))
        for a in attachments:
            digest.update(a.name.encode("utf-8") + b"\0" + a.data)
        with warnings.catch_warnings():
            # WeasyPrint 70 opens its bundled sRGB profile without closing it (PDF/A output
            # intent); the handle is freed right away, only the ResourceWarning is silenced.
            warnings.simplefilter("ignore", ResourceWarning)
            pdf = document.write_pdf(
                attachments=files,
                pdf_variant=variant,
                pdf_identifier=digest.hexdigest()[:32].encode("ascii"),
                finisher=_finish(variant),
            )
    finally:
        logger.setLevel(previous)
        if previous_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous_epoch
    if fetcher.missing:
        from compliance.errors import MissingDataError

        raise MissingDataError(
            f"template asset not found: {', '.join(sorted(set(fetcher.missing)))} (looked in "
            f"{', '.join(str(r) for r in fetcher.roots)})",
            "reinstall the package (the wheel carries the templates and their fonts), or add "
            "the file to your --templates folder")
    return RenderResult(pdf=pdf, pages=len(document.pages), refused=list(fetcher.refused))


# --------------------------------------------------------------------------- PDF/UA-1


def _finish(variant: str | None) -> Callable[[object, pydyf.PDF], None] | None:
    """WeasyPrint's finisher for ``variant``: runs on the PDF objects before they are written."""
    if variant not in _PDFUA_WITH:
        return None

    def finisher(_document: object, pdf: pydyf.PDF) -> None:
        _running_content_as_artifacts(pdf)
        _declare_pdfua1(pdf)

    return finisher


def _number(reference: object) -> int | None:
    """The object number of an indirect reference as pydyf writes it (``b"12 0 R"``)."""
    if isinstance(reference, (bytes, str)):
        parts = reference.split()
        if len(parts) == 3 and parts[2] in (b"R", "R"):
            return int(parts[0])
    return None


def _running_content_as_artifacts(pdf: pydyf.PDF) -> None:
    """Mark the content that the structure tree does not reach as pagination artifacts.

    WeasyPrint tags the text of page margin boxes (running title, footer, "Page x of y") with
    structure elements that it keeps out of the tree (an Artifact structure element exists only
    in PDF 2.0). PDF/UA-1 wants content either in the tree or marked as an artifact: each such
    marked-content sequence becomes ``/Artifact <</Type /Pagination>> BDC`` and its parent-tree
    entry ``null``."""
    root = pdf.objects[_number(pdf.catalog["StructTreeRoot"]) or 0]
    reached: set[int] = set()
    pending = [n for n in map(_number, root["K"]) if n is not None]
    while pending:
        number = pending.pop()
        if number in reached:
            continue
        reached.add(number)
        kids = pdf.objects[number].get("K", ())
        pending.extend(n for n in map(_number, kids) if n is not None)
    parent_tree = pdf.objects[_number(root["ParentTree"]) or 0]
    nums = parent_tree["Nums"]
    loose: dict[int, set[int]] = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if not isinstance(value, list):  # an annotation's entry
            continue
        for mcid, reference in enumerate(value):
            target = _number(reference)
            if target is not None and target not in reached:
                loose.setdefault(key, set()).add(mcid)
                value[mcid] = "null"
    pages = [pdf.objects[_number(ref) or 0] for ref in pdf.page_references]
    for index, mcids in loose.items():
        stream = pdf.objects[_number(pages[index]["Contents"]) or 0].stream
        for i in range(len(stream) - 2):
            item = stream[i + 1]
            if (stream[i + 2] == b"BDC" and isinstance(item, dict)
                    and item.get("MCID") in mcids):
                stream[i] = "/Artifact"
                stream[i + 1] = pydyf.Dictionary({"Type": "/Pagination"})


#: XMP namespaces of the PDF/UA identification and of the PDF/A extension schema declaring it.
_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}


def _declare_pdfua1(pdf: pydyf.PDF) -> None:
    """Add ``pdfuaid:part="1"`` next to the PDF/A identification in the XMP packet, and the
    extension schema that declares the ``pdfuaid`` namespace (PDF/A-2/3 accept XMP properties
    only from the predefined schemas or from a declared extension schema)."""
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    metadata = pdf.objects[_number(pdf.catalog["Metadata"]) or 0]
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode("utf-8")
                      for part in metadata.stream)
    start, end = packet.index(b"<x:xmpmeta"), packet.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    xmpmeta = ET.fromstring(packet[start:end])  # noqa: S314 - WeasyPrint's own packet
    rdf = xmpmeta.find(f"{{{_NS['rdf']}}}RDF")
    assert rdf is not None  # WeasyPrint always writes one
    identification = next(d for d in rdf if f"{{{_NS['pdfaid']}}}part" in d.attrib)
    identification.set(f"{{{_NS['pdfuaid']}}}part", "1")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
        prefix, local = tag.split(":")
        element = ET.SubElement(parent, f"{{{_NS[prefix]}}}{local}",
                                {f"{{{_NS['rdf']}}}{k}": v for k, v in attrib.items()})
        element.text = text
        return element

    # Structures as rdf:li > rdf:Description (not rdf:parseType="Resource"), the form pyHanko
    # writes back unchanged when it updates the packet of a signed copy.
    declaration = sub(rdf, "rdf:Description", about="")
    bag = sub(sub(declaration, "pdfaExtension:schemas"), "rdf:Bag")
    schema = sub(sub(bag, "rdf:li"), "rdf:Description")
    sub(schema, "pdfaSchema:schema", "PDF/UA Universal Accessibility Schema")
    sub(schema, "pdfaSchema:namespaceURI", _NS["pdfuaid"])
    sub(schema, "pdfaSchema:prefix", "pdfuaid")
    seq = sub(sub(schema, "pdfaSchema:property"), "rdf:Seq")
    prop = sub(sub(seq, "rdf:li"), "rdf:Description")
    sub(prop, "pdfaProperty:name", "part")
    sub(prop, "pdfaProperty:valueType", "Integer")
    sub(prop, "pdfaProperty:category", "internal")
    sub(prop, "pdfaProperty:description", "Part of ISO 14289 (PDF/UA) the file conforms to")
    metadata.stream = [packet[:start] + ET.tostring(xmpmeta, encoding="utf-8",
                                                    xml_declaration=False) + packet[end:]]


def render_bare(html: str, base_url: str) -> bytes:
    """Plain WeasyPrint render with default options (benchmark baseline only)."""
    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url).write_pdf()
    return pdf
