"""Rendering (and signing) the release renditions of a pack: the contexts come from
:mod:`compliance.documents.release`, the PDFs from :mod:`compliance.documents.pdf`, the signatures
from :mod:`compliance.documents.signing` (imported only when a release is signed)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compliance.documents.release import (
    ReleaseDocument,
    ReleaseOptions,
    refuse_gaps,
    refuse_redactions,
    release_documents,
)

#: compliance.documents.pack.RenderedDocument (not imported: the pack builder imports this module)
RenderedDocument = Any


def signer_fingerprint(options: ReleaseOptions | None) -> str | None:
    """SHA-256 of the signing certificate (for the build's inputs key); None when unsigned.
    Opening the key store here also reports a wrong password before anything is rendered."""
    if options is None or options.p12 is None:
        return None
    from compliance.documents.signing import load_signer

    cert = load_signer(options.p12, options.password).signing_cert
    return hashlib.sha256(cert.dump()).hexdigest() if cert is not None else None


def plan_release(rendered: Sequence[RenderedDocument], options: ReleaseOptions) -> list[ReleaseDocument]:
    """The release renditions of the rendered drafts; refused (ReleaseGapsError) when a document
    meant for an audience misses facts, unless ``options.allow_gaps``."""
    documents = release_documents(
        (doc.decision.stem, doc.decision.spec.release,
         {**doc.context, "doc": {**doc.context["doc"], "title": doc.decision.spec.release_title}}
         if doc.decision.spec.release_title else doc.context)
        for doc in rendered if doc.decision.spec.release)
    redactions = {str(r["section"]) for doc in rendered for r in doc.context.get("redactions") or []}
    refuse_redactions(documents, redactions)
    if not options.allow_gaps:
        refuse_gaps(documents)
    return documents


def render_release(documents: Sequence[ReleaseDocument], rendered: Sequence[RenderedDocument],
                   templates_dir: Path | None, roots: Sequence[Path], as_of: dt.date,
                   options: ReleaseOptions) -> dict[str, bytes]:
    """``release/<audience>/<stem>.pdf`` for each rendition, signed when the options carry a key.
    The signing time is ``options.signing_time``, else midnight UTC of the as-of date."""
    from compliance.documents.environment import make_environment
    from compliance.documents.pdf import AttachmentData, render_pdf

    env = make_environment(templates_dir)
    templates = {doc.decision.stem: doc.decision.spec.template for doc in rendered}
    signer: Any = None
    if options.p12 is not None:
        from compliance.documents.signing import load_signer, sign_pdf

        signer = load_signer(options.p12, options.password)
        when = options.signing_time or dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    files: dict[str, bytes] = {}
    for doc in documents:
        html = env.get_template(templates[doc.stem]).render(doc.context)
        attachments = [AttachmentData(f"{doc.stem}.json", doc.fields_json,
                                      "The fields of this document, machine-readable", "Data")
                       ] if doc.fields_json is not None else []
        pdf = render_pdf(html, roots=roots, as_of=as_of, attachments=attachments).pdf
        if signer is not None:
            visible = doc.context.get("release_signature") == "visible"
            pdf = sign_pdf(pdf, signer, signing_time=when, visible=visible,
                           reason=f"Issued by {doc.context['meta']['organisation']}")
        files[doc.path] = pdf
    return files
