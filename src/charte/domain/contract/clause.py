"""The common shape of every contract clause: a frozen Pydantic model that refuses unknown keys.

A clause is a value: it never changes after validation (change by copy, or by an amendment,
see :mod:`charte.domain.contract.amendments`). Unknown keys are refused rather than ignored,
so a misspelt clause (``minimum_biling``) is reported instead of silently dropped.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class Clause(BaseModel):
    """Base of every contract model: frozen, no unknown keys, names as written in the YAML."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, use_enum_values=False)


def _identifier(text: str) -> str:
    if not _ID.match(text):
        raise PydanticCustomError(
            "invalid_identifier",
            "{found} is not an identifier; expected letters, digits, '-', '_' or '.', e.g. 'service-inbound'",
            {"found": repr(text)},
        )
    return text


#: An id another clause can refer to (an activity, a commitment, an amendment).
Identifier = Annotated[str, AfterValidator(_identifier)]
