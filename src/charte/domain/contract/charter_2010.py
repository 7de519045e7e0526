"""Items of the 2010 charter ("Charte de bonnes pratiques… métiers de la relation client", 9 Nov 2010).

- Quality **certifications** held and shown, each with its expiry: NF Service (NF 345 for
  contact centres), ISO 9001, ISO 18295-1/-2, Label Responsabilité Sociale (AFRC + SP2C).
- The share of the contract's **staff located in France** (press of the time: 50% for
  providers, law table ``practice.staff_in_france_provider``).
- **IVR** kept to a minimum: time and menu depth before an agent, an agent always reachable.
- **Outbound dialing**: no automated commercial-prospecting dialers; calling rules of the
  Code de la consommation (D. 223-9) and Bloctel (L223-1).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Seconds, Share
from charte.domain.records import DialMode


class Certification(StrEnum):
    NF_SERVICE = "NF Service"
    NF_345 = "NF 345"
    ISO_9001 = "ISO 9001"
    ISO_18295_1 = "ISO 18295-1"
    ISO_18295_2 = "ISO 18295-2"
    LABEL_RS = "Label Responsabilité Sociale"


class HeldCertification(Clause):
    name: Certification
    until: date
    sites: tuple[str, ...] = Field(default=(), description="sites covered; all when empty")
    certifier: str | None = None


class IvrPolicy(Clause):
    """IVR kept to a minimum (2010 charter)."""

    max_seconds_before_agent: Seconds | None = None
    max_menu_levels: int | None = Field(default=None, ge=0)
    agent_always_reachable: bool = True


class OutboundDialing(Clause):
    """Outbound dialing policy of a commercial activity."""

    mode: DialMode
    automated_messages: bool = False
    bloctel_screening: bool = True
    prior_consent: bool = Field(default=True, description="loi 2025-594: required from 11 August 2026")
    max_attempts_per_30_days: int | None = Field(default=None, ge=0)
    calling_hours: str = "Mo-Fr 10:00-13:00,14:00-20:00; PH off"


class Charter2010(Clause):
    """2010 charter items of the contract."""

    certifications: tuple[HeldCertification, ...] = ()
    staff_in_france: Share | None = Field(default=None, description="share of the contract's staff located in France")
    ivr: IvrPolicy | None = None
    outbound_dialing: OutboundDialing | None = Field(default=None, description="absent when nothing is dialed")
