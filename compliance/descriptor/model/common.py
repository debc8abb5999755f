"""Shared pieces of the descriptor models: the format version, the constrained string and
number types (identifiers, country and market codes, Annex points, licence ids, FLOP, paths)
and ``_Model``, the strict, immutable base class every descriptor model derives from."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"),
]
NonEmptyText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
MarketCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
# Annex points in canonical form: "4(a)", "2", "5(b)".
AnnexPoint = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}(\([a-z]{1,2}\))?$")]
# Annex I entries: section and point, "A(11)" or "B(21)".
AnnexIEntry = Annotated[str, StringConstraints(pattern=r"^[AB]\([0-9]{1,2}\)$")]
LicenceId = Annotated[
    str,
    StringConstraints(pattern=r"^(LicenseRef-[A-Za-z0-9.\-]+|[A-Za-z0-9][A-Za-z0-9.+\-]*)$"),
]
Flop = Annotated[float, Field(ge=0, allow_inf_nan=False)]
# A month: "2025-06".
YearMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
#: Assessment time and output size grow linearly with the number of use cases (a rule that looks
#: at every use case from inside one refers to a system-level classification, evaluated once), but
#: every document lists them: 1,000 use cases take about 1.5 s for `obligations` and 40 s for a PDF
#: pack. The limit bounds what one descriptor can cost.
MAX_USE_CASES = 1000
RelativePath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class _Model(BaseModel):
    """Base: strict keys, immutable. Field docstrings become schema descriptions at export time
(see compliance.interop.schemas); they are not parsed at run time, which keeps imports fast."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )
