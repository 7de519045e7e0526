"""Activities: what the provider does for the client, on which channel, when, how it is paid.

Every activity carries one of the three functions of the providers' job classification
(DOMAIN.md): ``service`` (information, assistance, complaints), ``commercial`` (prospecting,
selling, surveys) or ``support`` (technical assistance, hotline); a channel
(:class:`charte.domain.records.Channel`); opening hours in the OSM-like syntax of
:mod:`charte.domain.opening_hours` (``activity.hours``); the ACD queues or skills whose
contacts belong to it; and its pricing (:mod:`charte.domain.contract.pricing`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause, Identifier
from charte.domain.contract.pricing import Pricing
from charte.domain.opening_hours import OpeningHours, OpeningHoursError
from charte.domain.records import Channel


class Function(StrEnum):
    SERVICE = "service"
    COMMERCIAL = "commercial"
    SUPPORT = "support"


def _opening_hours(value: Any) -> OpeningHours:
    if isinstance(value, OpeningHours):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "wrong_type", "expected opening hours as text, e.g. \"Mo-Fr 08:00-20:00; PH off\"; found {found}",
            {"found": repr(value)},
        )
    try:
        return OpeningHours.parse(value)
    except OpeningHoursError as error:
        raise PydanticCustomError(
            "invalid_opening_hours", "opening hours {found} cannot be read: {why}",
            {"found": repr(value), "why": str(error)},
        ) from None


Hours = Annotated[
    OpeningHours,
    PlainValidator(_opening_hours),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off", "24/7"]}),
]


class Activity(Clause):
    """One activity of the contract (an "activité" or "flux")."""

    id: Identifier
    name: str | None = None
    function: Function
    channel: Channel
    hours: Hours = Field(alias="opening_hours")
    queues: tuple[str, ...] = Field(default=(), description="ACD queues or skills whose contacts belong here")
    sites: tuple[str, ...] = Field(default=(), description="provider sites that produce this activity")
    languages: tuple[str, ...] = ("fr",)
    pricing: Pricing
