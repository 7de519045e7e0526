"""Attempt records written by hand for the telesales tests (local wall times → UTC with zoneinfo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from charte.io.canonical import contact_records_table

ZONES = {"75": "Europe/Paris", "974": "Indian/Reunion", "971": "America/Guadeloupe", "": "Europe/Paris"}


@dataclass
class Call:
    contact_id: str
    local: str  # "2026-03-10 12:59:59", wall time of the consumer
    department: str = "75"
    consumer: str = "consumer-1"
    professional: str = "brand-a"
    refused: bool = False
    consent: str | None = "consent-1"
    dial_mode: str = "manual"
    contract_in_progress: bool = False
    number_hash: str | None = None
    campaign: str = "spring"
    team: str = "team-1"
    hours_consent: str | None = None

    def utc(self) -> datetime:
        naive = datetime.fromisoformat(self.local)
        return naive.replace(tzinfo=ZoneInfo(ZONES.get(self.department, "Europe/Paris"))).astimezone(UTC)


def table(calls: list[Call]) -> pa.Table:
    cols: dict[str, list[Any]] = {
        "contact_id": [c.contact_id for c in calls],
        "activity": ["telesales"] * len(calls),
        "channel": ["voice_outbound"] * len(calls),
        "arrived_at": [c.utc() for c in calls],
        "outcome": ["connected"] * len(calls),
        "dial_mode": [c.dial_mode for c in calls],
        "consumer_hash": [c.consumer for c in calls],
        "refused": [c.refused for c in calls],
        "consent_ref": [c.consent for c in calls],
        "hours_consent_ref": [c.hours_consent for c in calls],
        "number_hash": [c.number_hash for c in calls],
        "consumer_department": [c.department for c in calls],
        "campaign": [c.campaign for c in calls],
        "team": [c.team for c in calls],
        "professional": [c.professional for c in calls],
        "contract_in_progress": [c.contract_in_progress for c in calls],
    }
    return contact_records_table(cols)
