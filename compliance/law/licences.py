"""Load the licence catalogue (``jurisdictions/_licences/*.yaml``) and look licences up.

Lookup is by SPDX id, ``LicenseRef-…``, Hugging Face id or a listed alias, case-insensitively
(SPDX identifiers are matched without regard to case). Loading is cheap: a few dozen small YAML
files, parsed with the strict loader and validated by pydantic; nothing heavy is imported.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.errors import MissingDataError, RuleDataError
from compliance.law.datafile import parse_data_file, read_data_file
from compliance.law.models.licence import LicenceEntry

CATALOGUE_FOLDER = "_licences"
# Hub values that name no particular licence and so never identify an entry.
_GENERIC = {"other", "unknown"}


@dataclass(frozen=True)
class Catalogue:
    entries: dict[str, LicenceEntry] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    def lookup(self, ident: str | None) -> LicenceEntry | None:
        if not ident:
            return None
        key = self.index.get(ident.strip().lower())
        return self.entries[key] if key is not None else None

    def suggest(self, ident: str, n: int = 3) -> list[str]:
        """Catalogue ids whose spellings are close to ``ident`` (for hints)."""
        close = difflib.get_close_matches(ident.lower(), list(self.index), n=n * 2, cutoff=0.75)
        seen: dict[str, None] = {}
        for spelling in close:
            seen.setdefault(self.index[spelling], None)
        return list(seen)[:n]

    def __len__(self) -> int:
        return len(self.entries)


def catalogue_files(root: Path) -> list[Path]:
    """Licence files below ``root/_licences`` (files starting with '_' are not licences)."""
    folder = root / CATALOGUE_FOLDER
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))


def _parse(path: Path, root: Path) -> LicenceEntry:
    return parse_data_file(path, LicenceEntry, root)


def load_catalogue(root: Path) -> Catalogue:
    """Load every licence below ``root/_licences``. Raises RuleDataError on a defect (a bad
    file, two entries claiming one spelling)."""
    entries: dict[str, LicenceEntry] = {}
    index: dict[str, str] = {}
    digest = hashlib.sha256()
    files = catalogue_files(root)
    if not files:
        raise MissingDataError(
            f"licence catalogue not found: no records in {root / '_licences'}",
            "reinstall the package, or restore _licences/ in the rule-data folder")
    for path in files:
        entry = _parse(path, root)
        if entry.id in entries:
            raise RuleDataError(f"{path}: duplicate licence id {entry.id}")
        entries[entry.id] = entry
        spellings = [entry.id, *entry.aliases]
        spellings += [s for s in (entry.hf_id, entry.hf_license_name) if s and s.lower() not in _GENERIC]
        for spelling in spellings:
            key = spelling.strip().lower()
            owner = index.get(key)
            if owner is not None and owner != entry.id:
                raise RuleDataError(f"{path}: spelling {spelling!r} already identifies {owner}")
            index[key] = entry.id
        digest.update(path.name.encode() + b"\0" + read_data_file(path))
    return Catalogue(entries, index, digest.hexdigest())


def licence_facts(catalogue: Catalogue, ident: str | None) -> dict[str, Any]:
    """The derived ``licence.catalogue.*`` facts for one licence id (see facts.DERIVED_FACTS)."""
    entry = catalogue.lookup(ident)
    if entry is None:
        return {"known": False, "id": None, "aia_foss": "not_catalogued", "reasoning": None,
                "commercial_use": None, "use_restrictions": None, "user_threshold": None,
                "excludes_eu": None, "improve_other_models": None, "osd_conformant": None,
                "built_with_notice": None, "name_prefix": None, "derivatives": None}
    t, v = entry.terms, entry.aia_foss
    reasoning = (f"{entry.name} ({entry.id}) is rated '{v.verdict.value}': {v.reasoning.strip()} "
                 f"[{v.rests_on}; confidence {v.confidence.value}]")
    return {
        "known": True,
        "id": entry.id,
        "aia_foss": v.verdict.value,
        "reasoning": reasoning,
        "commercial_use": t.commercial_use,
        "use_restrictions": t.use_restrictions != "none",
        "user_threshold": t.user_threshold.value if t.user_threshold else None,
        "excludes_eu": any(x.region == "EU" for x in t.territorial_exclusions),
        "improve_other_models": t.improve_other_models,
        "osd_conformant": entry.osd_conformant,
        "built_with_notice": t.built_with_notice,
        "name_prefix": t.name_prefix,
        "derivatives": t.derivatives.value,
    }
