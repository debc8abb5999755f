"""HTML -> PDF with WeasyPrint. The only module that imports WeasyPrint.

Safety: the URL fetcher serves only regular files under the template directories (the user's
``--templates`` directory first, then the bundled templates). Every other URL — ``file:`` paths
elsewhere, ``http(s):``, ``data:``, ``ftp:`` — is refused, so a descriptor value such as
``<img src="file:///etc/passwd">`` (which the autoescaping template prints as text anyway) can
never make the renderer read or request anything.

Determinism: creation and modification dates come from the as-of date, attachments carry the
same date, and the PDF file identifier is derived from the content, so the same inputs give
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

with warnings.catch_warnings():
    # WeasyPrint warns at import when libharfbuzz-subset is missing (it falls back to fontTools).
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

DEFAULT_VARIANT = "pdf/a-3b"

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
        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=fetcher
        ).render()
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


def render_bare(html: str, base_url: str) -> bytes:
    """Plain WeasyPrint render with default options (benchmark baseline only)."""
    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url).write_pdf()
    return pdf
