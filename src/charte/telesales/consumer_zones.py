"""Where the consumer is: department or overseas code → IANA time zone and public-holiday calendar.

D. 223-9 hours are the consumer's hours: a call to La Réunion at 16:00 in Paris is 18:00 there
(19:00 in winter). Holidays follow the ``holidays`` package's French subdivisions: Alsace-Moselle
keeps Good Friday and 26 December, each overseas department its abolition-of-slavery day.

Codes accepted: metropolitan departments (``01``..``95``, ``2A``, ``2B``; empty = metropolitan),
overseas departments ``971`` Guadeloupe, ``972`` Martinique, ``973`` Guyane, ``974`` La Réunion,
``976`` Mayotte, overseas collectivities ``975``/``PM`` Saint-Pierre-et-Miquelon, ``977``/``BL``
Saint-Barthélemy, ``978``/``MF`` Saint-Martin, ``986``/``WF`` Wallis-et-Futuna, ``987``/``PF``
Polynésie française (Tahiti), ``988``/``NC`` Nouvelle-Calédonie, or an IANA zone name of one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


class UnknownDepartmentError(ValueError):
    """A consumer department code that names no French territory."""

    code = "unknown_consumer_department"


@dataclass(frozen=True, slots=True)
class ConsumerZone:
    """A territory: its time zone and the ``holidays`` subdivision of its public holidays."""

    code: str
    name: str
    zone: str
    holidays_subdivision: str | None


METROPOLITAN: Final = ConsumerZone("FR", "France métropolitaine", "Europe/Paris", None)

_TERRITORIES: Final[tuple[ConsumerZone, ...]] = (
    METROPOLITAN,
    ConsumerZone("57", "Moselle", "Europe/Paris", "57"),
    ConsumerZone("67", "Bas-Rhin", "Europe/Paris", "6AE"),
    ConsumerZone("68", "Haut-Rhin", "Europe/Paris", "6AE"),
    ConsumerZone("971", "Guadeloupe", "America/Guadeloupe", "971"),
    ConsumerZone("972", "Martinique", "America/Martinique", "972"),
    ConsumerZone("973", "Guyane", "America/Cayenne", "973"),
    ConsumerZone("974", "La Réunion", "Indian/Reunion", "974"),
    ConsumerZone("976", "Mayotte", "Indian/Mayotte", "976"),
    ConsumerZone("975", "Saint-Pierre-et-Miquelon", "America/Miquelon", "PM"),
    ConsumerZone("977", "Saint-Barthélemy", "America/St_Barthelemy", "BL"),
    ConsumerZone("978", "Saint-Martin", "America/Marigot", "MF"),
    ConsumerZone("986", "Wallis-et-Futuna", "Pacific/Wallis", "WF"),
    ConsumerZone("987", "Polynésie française", "Pacific/Tahiti", "PF"),
    ConsumerZone("988", "Nouvelle-Calédonie", "Pacific/Noumea", "NC"),
)

_BY_CODE: Final[dict[str, ConsumerZone]] = {t.code: t for t in _TERRITORIES}
_ALIASES: Final[dict[str, str]] = {"PM": "975", "BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988",
                                   "GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
_BY_ZONE: Final[dict[str, ConsumerZone]] = {t.zone: t for t in reversed(_TERRITORIES)}
_METROPOLITAN_CODES: Final[frozenset[str]] = frozenset(
    {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"})


def consumer_zone(code: str | None) -> ConsumerZone:
    """The territory of a department code, alias or IANA zone; metropolitan France when empty."""
    text = (code or "").strip().upper()
    if not text or text in ("FR", "FRANCE", "METRO"):
        return METROPOLITAN
    if text in _ALIASES:
        text = _ALIASES[text]
    if text in _BY_CODE:
        return _BY_CODE[text]
    if len(text) == 1 and text.isdigit():
        text = "0" + text
    if text in _METROPOLITAN_CODES:
        return METROPOLITAN
    raw = (code or "").strip()
    if raw in _BY_ZONE:
        return _BY_ZONE[raw]
    raise UnknownDepartmentError(
        f"[unknown_consumer_department] consumer department {raw!r} is not a French department or territory; "
        "expected 01..95, 2A, 2B, 971..978, 986..988, a two-letter code (RE, YT, PM, NC…) or an IANA zone")


def territories() -> tuple[ConsumerZone, ...]:
    return _TERRITORIES


#: National prefixes (after the leading 0) of overseas numbers → (E.164 country code, department).
#: ARCEP numbering plan: landlines 0590/0596/0594/0262/0269, mobiles 0690-0691/0696-0697/0694/0692-0693/0639.
OVERSEAS_PREFIXES: Final[dict[str, tuple[str, str]]] = {
    "590": ("590", "971"), "690": ("590", "971"), "691": ("590", "971"),
    "596": ("596", "972"), "696": ("596", "972"), "697": ("596", "972"),
    "594": ("594", "973"), "694": ("594", "973"),
    "262": ("262", "974"), "692": ("262", "974"), "693": ("262", "974"),
    "269": ("262", "976"), "639": ("262", "976"),
}
