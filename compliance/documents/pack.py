"""Audit-pack assembly: one directory per AI system, written atomically.

A pack holds the documents whose obligations apply (plus the transparency report, always),
``obligations.json`` (the engine's output), a copy of the descriptor, ``index.html`` (which
document is present or absent, and why) and ``manifest.json`` (every file with its SHA-256, the
tool version, the rule-data version, the as-of date and the build's ``inputs``). Everything is
rendered in memory, then written by :mod:`compliance.documents.pack_writer`: atomically, keeping
files in the pack folder that compliance did not write; a failed build leaves the previous pack
untouched. Same inputs give byte-identical files, so a pack whose inputs match its manifest, every
file intact, is not built again (:mod:`compliance.documents.pack_inputs`; ``force`` builds it).

WeasyPrint is imported lazily (only ``compliance.documents.pdf`` imports it), so importing this
module stays cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from compliance.descriptor.model import Descriptor
from compliance.documents import pack_inputs as incremental
from compliance.documents.context import (
    PackInfo,
    build_dashboard,
    dashboard_context,
    dashboard_of,
    deciding_context,
    evidence_records,
    incident_log_context,
    load_structure,
    structured_context,
    transparency_context,
)
from compliance.documents.environment import find_file, make_environment, template_dirs
from compliance.documents.pack_facts import (
    _assessment,
    crosswalk_data,
    incident_data,
    instrument_names,
    openness_data,
)
from compliance.documents.release import ReleaseOptions
from compliance.documents.selection import Decision, decide
from compliance.errors import ComplianceError

FORMATS = frozenset({"pdf", "html"})
DESCRIPTOR_COPY = "descriptor.yaml"
OBLIGATIONS_FILE = "obligations.json"
MANIFEST_FILE = "manifest.json"
INDEX_FILE = "index.html"


class PackError(ComplianceError):
    """A pack could not be built (the previous pack, if any, is untouched)."""


@dataclass(frozen=True)
class RenderedDocument:
    decision: Decision
    html: str
    context: dict[str, Any]


def _tool_version() -> str:
    from compliance.version import __version__

    return __version__


def read_descriptor_bytes(path: Path) -> bytes:
    """The descriptor file's bytes, read once per pack (bounded; the copy in the pack, its hash
    and the parsed facts all come from these bytes)."""
    from compliance.descriptor.yamlio import MAX_BYTES
    from compliance.io.fsutil import read_input

    return read_input(path, MAX_BYTES, what="descriptor")


def load_descriptor(path: Path, raw: bytes | None = None) -> Descriptor:
    """Load and validate a descriptor (from ``raw``, its bytes, when given); invalid input raises
    :class:`PackError` (exit 1)."""
    from compliance.descriptor.validation import load_valid_descriptor
    from compliance.errors import InputError

    try:
        return load_valid_descriptor(path, raw)
    except InputError as exc:
        raise PackError(exc.message, exc.hint) from None


def assess_descriptor(
    descriptor: Descriptor, as_of: dt.date, rules_dir: Path | None = None
) -> dict[str, Any]:
    """Run the obligations engine and return its JSON form (``obligations.json``)."""
    return dict(_assessment(descriptor, as_of, rules_dir).to_json())


def _rules_version(assessment: Mapping[str, Any]) -> str:
    versions = [
        f"{j.get('code', '?')} {j.get('rules_version', '?')}"
        for j in assessment.get("jurisdictions", [])
    ]
    return ", ".join(versions) or "none"


def render_documents(
    descriptor: Descriptor,
    assessment: Mapping[str, Any],
    info: PackInfo,
    templates_dir: Path | None,
    *,
    inline_css: bool = False,
    evidence: list[dict[str, Any]] | None = None,
) -> tuple[list[Decision], list[RenderedDocument]]:
    """Decide which documents apply and render each to HTML (no PDF yet). ``evidence``: the
    evidence records when the caller has them (the files are hashed once per build)."""
    env = make_environment(templates_dir)
    decisions = decide(assessment, [m.id for m in descriptor.models or []])
    if evidence is None:
        evidence = evidence_records(descriptor, info)
    css = _stylesheet(templates_dir) if inline_css else ""
    contexts: list[tuple[Decision, dict[str, Any]]] = []
    for decision in decisions:
        if not decision.present or decision.spec.always or decision.spec.key == "incident_log":
            continue  # the report and the log are made below
        structure_name = decision.spec.template.replace(".html.j2", ".sections.yaml")
        structure = load_structure(find_file(structure_name, templates_dir))
        contexts.append((decision, structured_context(decision, structure, descriptor, assessment,
                                                      info, evidence)))
    contexts.extend((d, incident_log_context(d, descriptor, assessment, info))
                    for d in decisions if d.present and d.spec.key == "incident_log")
    # the gaps of every document, numbered once for the pack (the documents point to the dashboard)
    dashboard = build_dashboard(contexts, assessment, info)
    decisions = [*decisions, dashboard.decision]
    report = next((d for d in decisions if d.present and d.spec.always), None)
    if report is not None:
        contexts.insert(0, (report, transparency_context(report, descriptor, assessment, info, evidence,
                                                         decisions, dashboard)))
    if dashboard.decision.present:
        contexts.append((dashboard.decision, dashboard_context(dashboard, descriptor, assessment, info)))
    rendered: list[RenderedDocument] = []
    for decision, ctx in contexts:
        ctx["inline_css"] = css
        rendered.append(RenderedDocument(decision, env.get_template(decision.spec.template).render(ctx), ctx))
    return decisions, rendered


def _stylesheet(templates_dir: Path | None) -> Markup:
    """The print stylesheet for HTML renditions, inlined in ``<style>``. It is template data (the
    bundled or the user's ``--templates`` copy), not input, and HTML entities are not decoded
    inside ``<style>``: it is passed as markup so that ``"Doc Sans"`` stays a CSS string instead
    of becoming ``&#34;Doc Sans&#34;``. A ``</style>`` in it is refused."""
    from compliance.descriptor.yamlio import MAX_BYTES
    from compliance.io.fsutil import read_input

    path = find_file("base/print.css", templates_dir)
    css = read_input(path, MAX_BYTES, what="stylesheet").decode("utf-8", "replace")
    if "</style" in css.lower():
        raise PackError(f"{path}: a stylesheet must not contain '</style'",
                        "remove it: the stylesheet is inlined into each HTML document")
    return Markup(css)  # noqa: S704 - template data, checked above; not descriptor input


def _index_html(
    descriptor: Descriptor, assessment: Mapping[str, Any], info: PackInfo, decisions: Iterable[Decision],
    templates_dir: Path | None, formats: frozenset[str] | set[str] = frozenset({"pdf"}),
    gaps: Mapping[str, Any] | None = None,
) -> str:
    """The pack's index page: the deciding questions, the gap dashboard (``gaps``), then the
    documents, each present one linking the file this build wrote (the PDF, or the HTML
    rendition when only HTML was asked for)."""
    suffix = "pdf" if "pdf" in formats else "html"
    env = make_environment(templates_dir)
    return env.get_template("base/index.html.j2").render(
        system={"name": descriptor.system.name, "id": descriptor.system.id,
                "version": descriptor.system.version or ""},
        as_of=info.as_of.isoformat(),
        descriptor_sha256=info.descriptor_sha256,
        rules_version=info.rules_version,
        tool_version=info.tool_version,
        deciding=deciding_context(assessment, info),
        gaps=gaps or {"count": 0, "groups": []},
        suffix=suffix,
        documents=[
            {"title": d.spec.title, "model": d.model_id or "", "present": d.present,
             "file": f"{d.stem}.{suffix}" if d.present else "", "reason": d.reason,
             "basis": d.spec.basis}
            for d in decisions
        ],
    )


def prepare_documents(
    descriptor_path: Path,
    as_of: dt.date,
    templates_dir: Path | None = None,
    *,
    assessment: Mapping[str, Any] | None = None,
    rules_dir: Path | None = None,
    raw: bytes | None = None,
    descriptor: Descriptor | None = None,
    inputs: incremental.PackInputs | None = None,
) -> tuple[Descriptor, Mapping[str, Any], PackInfo, list[Decision], list[RenderedDocument]]:
    """Everything before the PDF renders: the assessment, the pack facts and each document's
    HTML (the benchmark renders exactly this HTML with bare WeasyPrint for comparison).
    ``raw``: the descriptor's bytes, when the caller has read them (the file is read once), and
    ``descriptor``, parsed from them; ``inputs``: the build's key, whose evidence records and
    register bytes the documents show (each file is read once)."""
    if raw is None:
        raw = read_descriptor_bytes(descriptor_path)
    if descriptor is None:
        descriptor = load_descriptor(descriptor_path, raw)
    engine_result = None
    if assessment is None:
        engine_result = _assessment(descriptor, as_of, rules_dir)
        assessment = dict(engine_result.to_json())
    info = PackInfo(
        as_of=as_of,
        descriptor_sha256=hashlib.sha256(raw).hexdigest(),
        descriptor_name=descriptor_path.name,
        descriptor_dir=descriptor_path.parent,
        tool_version=str(assessment.get("tool", {}).get("version") or _tool_version()),
        rules_version=_rules_version(assessment),
        disclaimer=" ".join(
            j["disclaimer"] for j in assessment.get("jurisdictions", []) if j.get("disclaimer")
        ) or None,
        openness=openness_data(descriptor, rules_dir),
        incidents=incident_data(descriptor, descriptor_path, as_of, rules_dir, engine_result,
                                register=inputs.register if inputs else None),
        crosswalks=crosswalk_data(assessment, rules_dir),
        instruments=instrument_names(assessment, rules_dir),
    )
    decisions, rendered = render_documents(
        descriptor, assessment, info, templates_dir, inline_css=False,
        evidence=inputs.evidence if inputs else None)

    return descriptor, assessment, info, decisions, rendered


def build_pack(descriptor_path: Path, out_dir: Path, as_of: dt.date,
               formats: set[str] | frozenset[str] = frozenset({"pdf"}),
               templates_dir: Path | None = None, *, assessment: Mapping[str, Any] | None = None,
               rules_dir: Path | None = None, report: Callable[[str], None] | None = None,
               force: bool = False) -> Path:
    """Build the audit pack for one descriptor under ``out_dir/<system id>``; return its path.

    ``assessment`` lets callers (tests, benchmarks) pass an engine result; normally the engine
    is run here. A pack built from the same inputs and left intact is not built again unless
    ``force`` (:mod:`compliance.documents.pack_inputs`). Files in the pack folder that
    compliance did not write are kept, and named once through ``report``; how the pack is
    written, and what that guarantees, is described in :mod:`compliance.documents.pack_writer`.
    """
    return build(descriptor_path, out_dir, as_of, formats, templates_dir, assessment=assessment,
                 rules_dir=rules_dir, report=report, force=force).path


def build(descriptor_path: Path, out_dir: Path, as_of: dt.date,
          formats: set[str] | frozenset[str] = frozenset({"pdf"}),
          templates_dir: Path | None = None, *, assessment: Mapping[str, Any] | None = None,
          rules_dir: Path | None = None, report: Callable[[str], None] | None = None,
          force: bool = False, release: ReleaseOptions | None = None) -> incremental.PackBuild:
    """:func:`build_pack`, telling whether the pack was built and why (:class:`~compliance.documents.pack_inputs.PackBuild`);
    ``release``: also the release renditions (:mod:`compliance.documents.release`)."""
    unknown = set(formats) - FORMATS
    if unknown or not formats or (release is not None and "pdf" not in formats):
        raise PackError(f"unknown format(s): {', '.join(sorted(unknown)) or 'none given'}" if unknown or not formats
                        else "release renditions are PDFs: build with --format pdf (or pdf,html)")
    from compliance.documents.pack_writer import commit_pack, kept_message, prepare_target
    from compliance.documents.release_render import plan_release, render_release, signer_fingerprint
    from compliance.paths import rules_dir as default_rules

    raw = read_descriptor_bytes(descriptor_path)
    descriptor = load_descriptor(descriptor_path, raw)
    system_id = descriptor.system.id
    prepare_target(out_dir, system_id)  # refuses a non-pack folder before rendering
    inputs = incremental.pack_inputs(descriptor, descriptor_path, raw, as_of, formats,
                                     templates_dir, rules_dir or default_rules(), assessment=assessment,
                                     release=release.key(signer_fingerprint(release)) if release else None)
    state = incremental.pack_state(out_dir / system_id, system_id, inputs)
    if state.stale is None and not force:
        kept = state.kept(out_dir / system_id)
        if kept and report is not None:
            report(f"{out_dir / system_id}: {kept_message(kept)}")
        return incremental.PackBuild(out_dir / system_id, False, "unchanged")
    descriptor, assessment, info, decisions, rendered = prepare_documents(
        descriptor_path, as_of, templates_dir, assessment=assessment, rules_dir=rules_dir, raw=raw,
        descriptor=descriptor, inputs=inputs)
    planned = plan_release(rendered, release) if release is not None else []  # refused before rendering
    obligations_json = incremental.json_bytes(assessment)

    files: dict[str, bytes] = {
        DESCRIPTOR_COPY: raw,
        OBLIGATIONS_FILE: obligations_json,
    }
    pages: dict[str, int] = {}
    if "pdf" in formats:
        from compliance.documents.pdf import AttachmentData, render_pdf

        attachments = [
            AttachmentData(DESCRIPTOR_COPY, raw, "System descriptor the documents were "
                           "generated from", "Source"),
            AttachmentData(OBLIGATIONS_FILE, obligations_json, "Obligations assessment "
                           "(engine output)", "Data"),
        ]
        roots = template_dirs(templates_dir)
        for doc in rendered:
            result = render_pdf(doc.html, roots=roots, as_of=as_of, attachments=attachments)
            files[f"{doc.decision.stem}.pdf"] = result.pdf
            pages[f"{doc.decision.stem}.pdf"] = result.pages
        if release is not None:
            files.update(render_release(planned, rendered, templates_dir, roots, as_of, release))
    if "html" in formats:
        css = _stylesheet(templates_dir)
        env = make_environment(templates_dir)
        for doc in rendered:
            ctx = {**doc.context, "inline_css": css}
            files[f"{doc.decision.stem}.html"] = env.get_template(
                doc.decision.spec.template).render(ctx).encode("utf-8")
    files[INDEX_FILE] = _index_html(descriptor, assessment, info, decisions, templates_dir, formats,
                                    dashboard_of(doc.context for doc in rendered)).encode("utf-8")
    manifest = {
        "tool": {"name": "compliance", "version": info.tool_version},
        "as_of": as_of.isoformat(),
        "rules_version": info.rules_version,
        "system": {"id": descriptor.system.id, "name": descriptor.system.name,
                   "version": descriptor.system.version},
        "descriptor": {"name": descriptor_path.name, "sha256": info.descriptor_sha256},
        "formats": sorted(formats),
        "documents": [
            {"document": d.spec.key, "title": d.spec.title, "subject": d.subject,
             "present": d.present,
             "file": f"{d.stem}.pdf" if d.present and "pdf" in formats else None,
             "files": [n for n in (f"{d.stem}.pdf", f"{d.stem}.html") if d.present and n in files],
             "reason": d.reason,
             "obligations": [o["id"] for o in d.applying]}
            for d in decisions
        ],
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
             **({"pages": pages[name]} if name in pages else {})}
            for name, data in sorted(files.items())
        ],
        "inputs": inputs.to_json(),
        **({"release": {"signed": release.p12 is not None, "allow_gaps": release.allow_gaps,
                        "files": [{"path": d.path, "audience": d.audience, "document": d.stem,
                                   "not_provided": [g.item for g in d.gaps]} for d in planned]}}
           if release is not None else {}),
    }
    written = commit_pack(out_dir, system_id, {**files, MANIFEST_FILE: incremental.json_bytes(incremental.seal(manifest))})
    if written.kept and report is not None:
        report(f"{written.path}: {kept_message(written.kept)}")
    return incremental.PackBuild(written.path, True, state.stale or "forced")
