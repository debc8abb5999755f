"""The output folder's ``index.html``: one page linking every audit pack in the folder, read from
each pack's ``manifest.json`` (name, version, as-of date, rule-data versions, documents). It is
deterministic (sorted by system id, no timestamps of its own) and replaced atomically; an
``index.html`` that compliance did not write is never replaced.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from compliance.documents.pack_writer import (
    GENERATOR_MARKER,
    INDEX,
    MANIFEST,
    PACKS_INDEX_TEMPLATE,
    Report,
    is_plain_file,
    read_json,
    record_names,
    replace_file,
)
from compliance.errors import ComplianceError
from compliance.io.fsutil import read_prefix


def _pack_entry(folder: Path) -> dict[str, Any] | None:
    """The index entry of one pack folder, from its manifest; ``None`` if it is not a pack."""
    data = read_json(folder / MANIFEST)
    names, _ = record_names(data, folder.name)
    if names is None or not isinstance(data, dict):
        return None
    system = data.get("system") or {}
    present = {n for n in names if is_plain_file(folder / n)}

    def link(name: str) -> dict[str, str]:
        return {"name": name, "format": name.rsplit(".", 1)[-1].upper(),
                "href": f"{quote(folder.name)}/{quote(name)}"}

    documents = []
    for doc in data.get("documents") or []:
        if not isinstance(doc, dict) or not doc.get("present"):
            continue
        listed = doc.get("files")
        candidates = listed if isinstance(listed, list) else [doc.get("file")]
        doc_files = [link(n) for n in candidates if isinstance(n, str) and n in present]
        if not doc_files:
            continue
        subject = str(doc.get("subject") or "system")
        documents.append({
            "title": str(doc.get("title") or doc.get("document") or ""),
            "model": subject.split(":", 1)[1] if subject.startswith("model:") else "",
            "files": doc_files,
        })
    return {
        "id": folder.name,
        "name": str(system.get("name") or folder.name),
        "version": str(system.get("version") or ""),
        "as_of": str(data.get("as_of") or ""),
        "rules_version": str(data.get("rules_version") or ""),
        "index": link(INDEX)["href"] if INDEX in present else "",
        "manifest": link(MANIFEST)["href"],
        "documents": documents,
    }


def packs_in(out_dir: Path) -> list[dict[str, Any]]:
    """Every pack in ``out_dir`` (folders with a manifest compliance wrote), sorted by id."""
    packs = []
    for entry in sorted(os.scandir(out_dir), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        pack = _pack_entry(Path(entry.path))
        if pack is not None:
            packs.append(pack)
    return packs


def write_packs_index(out_dir: Path, templates_dir: Path | None = None,
                      report: Report | None = None) -> Path | None:
    """Write ``out_dir/index.html`` linking every pack present; return its path.

    Nothing is written when ``out_dir`` holds no pack and no index of ours, or when an
    ``index.html`` that compliance did not write is in the way (reported, never replaced).
    """
    from compliance.documents.environment import make_environment

    path = out_dir / INDEX
    if not out_dir.is_dir():
        return None
    ours = False
    if os.path.lexists(path):
        try:  # the marker is in the page's head: read only the start, never a FIFO
            ours = is_plain_file(path) and GENERATOR_MARKER in read_prefix(path, 4096, what="index")
        except ComplianceError:
            ours = False
        if not ours:
            if report is not None:
                report(f"{path}: not replaced, it was not written by compliance")
            return None
    packs = packs_in(out_dir)
    if not packs and not ours:
        return None
    html = make_environment(templates_dir).get_template(PACKS_INDEX_TEMPLATE).render(
        packs=packs)
    replace_file(path, html.encode("utf-8"))
    return path
