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
#: Rules relate use cases to each other (e.g. an Annex III use case while another profiles), so
#: assessment time and explanation size grow with the square of their number: 400 use cases took
#: 30 s and 1.6 GB to build. A limit keeps every command fast on any descriptor.
MAX_USE_CASES = 50
RelativePath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class _Model(BaseModel):
    """Base: strict keys, immutable. Field docstrings become schema descriptions at export time
(see compliance.interop.schemas); they are not parsed at run time, which keeps imports fast."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )
