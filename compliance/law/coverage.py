"""Coverage maps of the law (``jurisdictions/<code>/<instrument>/coverage/*.yaml``): load them,
check them against the instrument's declared structure and the rule data, and summarise them.

Pure apart from reading the files. The structure (which articles, annexes or sections exist) and
every provision are data; this module only knows how to enumerate numbered units and how a
pinpoint sits inside its unit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.law.datafile import parse_data_file
from compliance.law.models.coverage import (
    OPERATOR_REASONS,
    CoverageFile,
    Provision,
    Structure,
    Unit,
)
from compliance.law.rulebook import Rulebook

COVERAGE_FOLDER = "coverage"

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def expected_units(structure: Structure) -> list[str]:
    """Every unit the structure declares, in order: the ranges, then the extra units, without the
    repealed ones."""
    units: list[str] = []
    for span in structure.ranges:
        for n in range(span.start, span.end + 1):
            units.append(span.pattern.replace("{n}", str(n)).replace("{roman}", roman(n)))
    units.extend(structure.extra)
    repealed = set(structure.repealed)
    return [u for u in units if u not in repealed]


def in_unit(pinpoint: str, unit: str) -> bool:
    """Whether ``pinpoint`` names a part of ``unit`` ('Art. 25(4)' is in 'Art. 25'; 'Art. 250' is
    not; 'Annex III(4)(a)' is in 'Annex III'; 'Annex IIIa' is not)."""
    if not pinpoint.startswith(unit):
        return False
    rest = pinpoint[len(unit):]
    return not rest or not (rest[0].isalnum() or rest[0] in "._-")


@dataclass
class InstrumentCoverage:
    jurisdiction: str
    instrument: str
    files: list[Path]
    checked_against: list[str]
    checked_on: list[str]
    structure: Structure | None
    units: list[tuple[Path, Unit]]

    def provisions(self) -> Iterator[tuple[Unit, Provision]]:
        for _, unit in self.units:
            for provision in unit.provisions:
                yield unit, provision


def coverage_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.glob(f"*/*/{COVERAGE_FOLDER}") if p.is_dir())


def load_coverage(root: Path) -> dict[tuple[str, str], InstrumentCoverage]:
    """Every coverage map below ``root``, merged per (jurisdiction, instrument) from its files.
    RuleDataError (located) on a file that does not parse."""
    maps: dict[tuple[str, str], InstrumentCoverage] = {}
    for folder in coverage_folders(root):
        code, instrument = folder.parent.parent.name, folder.parent.name
        files = sorted(folder.glob("*.yaml"))
        parsed = [(path, parse_data_file(path, CoverageFile)) for path in files]
        structures = [p.structure for _, p in parsed if p.structure is not None]
        maps[(code, instrument)] = InstrumentCoverage(
            jurisdiction=code, instrument=instrument, files=files,
            checked_against=[p.checked_against for _, p in parsed],
            checked_on=sorted({p.checked_on.isoformat() for _, p in parsed}),
            structure=structures[0] if len(structures) == 1 else None,
            units=[(path, unit) for path, p in parsed for unit in p.units])
        if len(structures) == 1:  # in the order of the instrument
            order = {name: i for i, name in enumerate(expected_units(structures[0]))}
            maps[(code, instrument)].units.sort(key=lambda pu: order.get(pu[1].unit, len(order)))
    return maps


def coverage_problems(book: Rulebook, maps: dict[tuple[str, str], InstrumentCoverage], *,
                      pinpoint_ok: Callable[[str], bool], fact_ok: Callable[[str], bool],
                      document_ok: Callable[[str], bool]) -> Iterator[str]:
    """Every way the maps fail to account for the law and the rules: a unit of the structure
    missing or unknown, a provision outside its unit or not canonical, a rule, fact or document
    that does not exist, a rule of a binding instrument that no provision names, and a binding
    instrument cited by rules without a map."""
    cited: dict[tuple[str, str], set[str]] = {}
    for rid, loaded in book.rules.items():
        cited.setdefault((loaded.jurisdiction, loaded.rule.citation.instrument), set()).add(rid)
    for (code, instrument), rules in sorted(cited.items()):
        declared = book.jurisdictions[code].instruments.get(instrument)
        if declared is not None and declared.binding and (code, instrument) not in maps:
            yield (f"jurisdictions/{code}/{instrument}/{COVERAGE_FOLDER}/: no coverage map for "
                   f"instrument {instrument!r} ({len(rules)} rule{'s cite' if len(rules) > 1 else ' cites'} it)")
    for (code, instrument), cov in sorted(maps.items()):
        where = f"jurisdictions/{code}/{instrument}/{COVERAGE_FOLDER}"
        jurisdiction = book.jurisdictions.get(code)
        if jurisdiction is None or instrument not in jurisdiction.instruments:
            yield f"{where}: {instrument!r} is not an instrument of jurisdiction.yaml for {code!r}"
            continue
        if cov.structure is None:
            yield f"{where}: declare the instrument's structure in exactly one file"
            continue
        expected = expected_units(cov.structure)
        seen: dict[str, Path] = {}
        for path, unit in cov.units:
            shown = f"{where}/{path.name}"
            if unit.unit in seen:
                yield f"{shown}: unit {unit.unit!r} also in {seen[unit.unit].name}"
            seen.setdefault(unit.unit, path)
            if unit.unit not in expected:
                yield f"{shown}: unit {unit.unit!r} is not in the declared structure"
            for provision in unit.provisions:
                yield from _provision_problems(shown, code, unit, provision, book,
                                               pinpoint_ok, fact_ok, document_ok)
        for unit_name in expected:
            if unit_name not in seen:
                yield f"{where}: unit {unit_name!r} of the structure is missing (list its provisions or say why not)"
        named = {rid for _, p in cov.provisions() for rid in p.rules}
        for rid in sorted(cited.get((code, instrument), set()) - named):
            yield (f"{where}: rule {rid} ({book.rules[rid].rule.citation.pinpoint}) is not named by any "
                   "provision of the map")


def _provision_problems(shown: str, code: str, unit: Unit, provision: Provision, book: Rulebook,
                        pinpoint_ok: Callable[[str], bool], fact_ok: Callable[[str], bool],
                        document_ok: Callable[[str], bool]) -> Iterator[str]:
    label = f"{shown}: {provision.pinpoint}"
    first = re.split(r",\s*", provision.pinpoint)[0]
    if not in_unit(first, unit.unit):
        yield f"{label}: the pinpoint is not inside unit {unit.unit!r}"
    if not pinpoint_ok(provision.pinpoint):
        yield f"{label}: pinpoint is not canonical"
    for rid in provision.rules:
        if rid not in book.rules:
            yield f"{label}: rule {rid} does not exist"
        elif not rid.startswith(code + "."):
            yield f"{label}: rule {rid} is not a rule of jurisdiction {code}"
    for path in provision.facts:
        if not fact_ok(path):
            yield f"{label}: fact path {path!r} does not exist in the descriptor model"
    for tag in provision.documents:
        if not document_ok(tag):
            yield f"{label}: document tag {tag!r} is not used by any rule"


@dataclass
class CoverageSummary:
    jurisdiction: str
    instrument: str
    units: int
    provisions: int
    covered: int
    not_modelled: dict[str, int] = field(default_factory=dict)

    @property
    def operator_provisions(self) -> int:
        return self.covered + sum(n for r, n in self.not_modelled.items() if r in OPERATOR_REASONS)

    @property
    def share(self) -> float:
        """Share of the provisions that concern operators which the rule data encodes."""
        return self.covered / self.operator_provisions if self.operator_provisions else 1.0


def summarise(cov: InstrumentCoverage) -> CoverageSummary:
    reasons: Counter[str] = Counter()
    covered = total = 0
    for _, provision in cov.provisions():
        total += 1
        if provision.not_modelled is None:
            covered += 1
        else:
            reasons[provision.not_modelled.reason] += 1
    return CoverageSummary(cov.jurisdiction, cov.instrument, len(cov.units), total, covered,
                           dict(sorted(reasons.items())))


def coverage_json(cov: InstrumentCoverage, title: str) -> dict[str, Any]:
    s = summarise(cov)
    return {
        "jurisdiction": cov.jurisdiction,
        "instrument": cov.instrument,
        "title": title,
        "checked_against": cov.checked_against,
        "checked_on": cov.checked_on,
        "summary": {"units": s.units, "provisions": s.provisions, "covered": s.covered,
                    "not_modelled": s.not_modelled, "operator_provisions": s.operator_provisions,
                    "share_covered": round(s.share, 4)},
        "units": [{
            "unit": unit.unit, "title": unit.title,
            "provisions": [p.model_dump(mode="json", exclude_defaults=True) for p in unit.provisions],
        } for _, unit in cov.units],
    }
