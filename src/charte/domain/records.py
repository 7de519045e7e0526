"""Canonical schemas of the facts charte reads: contact records, interval reports, and the other
facts a month is settled on (forecasts, staffing, incidents, measured KPIs, successes).

Whatever an ACD or CCaaS exports is mapped onto these names (``charte.io``), and every
measure is computed from them. Times are instants (stored in UTC, shown in the contract's
zone); durations are seconds. Both record schemas are first-class: many clients only ever see
interval reports. The same names are used by ``charte import`` (the store), ``charte kpi``
(its output) and ``charte settle`` (the facts folder); the README's "Input formats" section
and each command's ``--help`` are written from these tables.

KPI formulas (DOMAIN.md): offered = handled + abandoned (+ short abandons if counted);
service level = answered within T ÷ (offered − short abandons) unless the clause says
otherwise; answer rate = handled ÷ offered; ASA = mean wait of answered contacts;
AHT = (talk + hold + wrap) ÷ handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

FieldType = Literal["string", "timestamp", "seconds", "integer", "boolean", "date", "number", "decimal"]


class Channel(StrEnum):
    VOICE_INBOUND = "voice_inbound"
    VOICE_OUTBOUND = "voice_outbound"
    EMAIL = "email"
    CHAT = "chat"
    BACK_OFFICE = "back_office"


class Outcome(StrEnum):
    """What became of a contact. Inbound: answered, abandoned or ended in the IVR."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"
    IVR_ONLY = "ivr_only"
    # outbound attempts
    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    FAILED = "failed"
    # written channels still open at the end of the export
    PENDING = "pending"


class DialMode(StrEnum):
    MANUAL = "manual"
    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"
    AUTOMATED_MESSAGE = "automated_message"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column: name, type, whether it is required, its meaning and unit, and its allowed values if any."""

    name: str
    type: FieldType
    required: bool
    description: str
    choices: tuple[str, ...] = ()


CONTACT_RECORD: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("contact_id", "string", True, "unique id of the contact within the provider's export"),
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("queue", "string", False, "ACD queue or skill the contact came through"),
    FieldSpec("channel", "string", True, "voice_inbound | voice_outbound | email | chat | back_office"),
    FieldSpec("arrived_at", "timestamp", True,
              "inbound: entry into the agent queue (after the IVR); outbound: dial; written: received"),
    FieldSpec("ivr_seconds", "seconds", False, "time in the IVR before the queue"),
    FieldSpec("wait_seconds", "seconds", False, "time in queue until answer or abandon"),
    FieldSpec("outcome", "string", True,
              "answered | abandoned | ivr_only | connected | no_answer | busy | voicemail | failed | pending"),
    FieldSpec("talk_seconds", "seconds", False, "conversation time"),
    FieldSpec("hold_seconds", "seconds", False, "hold time during the conversation"),
    FieldSpec("wrap_seconds", "seconds", False, "after-contact work"),
    FieldSpec("handle_seconds", "seconds", False, "talk + hold + wrap; 0 for abandoned contacts"),
    FieldSpec("agent_id", "string", False, "agent (or team) that handled the contact"),
    FieldSpec("first_response_at", "timestamp", False, "written channels: first answer sent to the customer"),
    FieldSpec("closed_at", "timestamp", False, "written channels: case closed"),
    FieldSpec("dial_mode", "string", False,
              "outbound: manual | preview | progressive | predictive | automated_message"),
    FieldSpec("attempt", "integer", False, "outbound: attempt number for this consumer"),
    FieldSpec("consumer_hash", "string", False, "outbound: salted hash of the consumer (never the number in clear)"),
    FieldSpec("refused", "boolean", False, "outbound: the consumer refused further calls"),
    FieldSpec("consent_ref", "string", False, "outbound: reference of the consumer's prior consent"),
    FieldSpec("hours_consent_ref", "string", False,
              "outbound: reference of the consumer's express prior consent to calls outside the legal hours and "
              "days (Code de la consommation D. 223-9, second paragraph)"),
    # outbound, telephone-selling audit (charte.telesales)
    FieldSpec("number_hash", "string", False,
              "outbound: salted hash of the dialed number in E.164 (charte.telesales.bloctel.hash_number)"),
    FieldSpec("consumer_department", "string", False,
              "outbound: consumer's department or overseas code (75, 2A, 971..976, PM, NC) or IANA zone; "
              "sets the zone and public holidays of the calling-hours rule; metropolitan France when empty"),
    FieldSpec("campaign", "string", False, "outbound: campaign the attempt belongs to"),
    FieldSpec("team", "string", False, "outbound: agent team that placed the attempt"),
    FieldSpec("professional", "string", False,
              "outbound: professional (brand) on whose behalf the consumer is called; the 30-day rule counts per one"),
    FieldSpec("contract_in_progress", "boolean", False,
              "outbound: the offer relates to a contract in progress with the consumer (L223-1, loi 2025-594)"),
)

#: Columns ``answered_within_<T>s`` give the contacts answered within T seconds, one per threshold.
ANSWERED_WITHIN: Final = re.compile(r"^answered_within_(\d+)s$")

INTERVAL_REPORT: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("queue", "string", False, "ACD queue, when the report is per queue"),
    FieldSpec("interval_start", "timestamp", True, "start of the interval"),
    FieldSpec("interval_minutes", "integer", True, "15, 30 or 60"),
    FieldSpec("offered", "integer", True, "contacts that reached the queue"),
    FieldSpec("handled", "integer", True, "contacts answered by an agent"),
    FieldSpec("abandoned", "integer", True, "contacts abandoned in queue, short abandons included"),
    FieldSpec("short_abandoned", "integer", False, "abandons before the contract's short-abandon threshold"),
    FieldSpec("wait_seconds_answered", "seconds", False, "sum of waits of answered contacts (ASA numerator)"),
    FieldSpec("wait_seconds_abandoned", "seconds", False, "sum of waits of abandoned contacts"),
    FieldSpec("handle_seconds", "seconds", False, "sum of handle times of handled contacts"),
    FieldSpec("staffed_seconds", "seconds", False, "agent time logged on the activity"),
    FieldSpec("productive_seconds", "seconds", False, "agent time available or handling (occupancy denominator)"),
    FieldSpec("talk_seconds", "seconds", False, "sum of talk times of handled contacts (per-minute price on talk)"),
    FieldSpec("handle_started_minutes", "integer", False,
              "sum over handled contacts of their handle time rounded up to the minute"),
    FieldSpec("talk_started_minutes", "integer", False,
              "sum over handled contacts of their talk time rounded up to the minute"),
)


#: Granularities a forecast is given at, finest first.
FORECAST_GRANULARITIES: Final = ("15min", "30min", "60min", "day", "week", "month", "year")

FORECAST: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("horizon", "string", True, "the contract's forecast horizon (e.g. M-1, W-1)"),
    FieldSpec("issued_on", "date", True, "day the client issued this forecast"),
    FieldSpec("issued_at", "timestamp", False, "instant the forecast was issued (the register's submission time); "
              "without it, the end of `issued_on` in Paris"),
    FieldSpec("granularity", "string", True, "period each row forecasts", FORECAST_GRANULARITIES),
    FieldSpec("period_start", "timestamp", True, "start of the period forecast"),
    FieldSpec("volume", "number", True, "contacts forecast for the period (may be fractional)"),
    FieldSpec("aht_seconds", "seconds", True, "average handle time forecast, seconds"),
)

STAFFING: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("interval_start", "timestamp", True, "start of the interval (the interval report's length)"),
    FieldSpec("planned_agents", "number", True, "agents the provider scheduled for the interval (may be fractional)"),
)

#: Which party an incident is attributed to: ``none`` is force majeure.
INCIDENT_SIDES: Final = ("client", "provider", "none")

#: What an incident did to the facts (:class:`charte.settle.facts.Incident`).
INCIDENT_EFFECTS: Final = ("degraded", "closed", "no_contacts")

INCIDENT: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("kind", "string", True, "what happened, e.g. client_outage, strike, network_outage"),
    FieldSpec("side", "string", True, "party it is attributed to", INCIDENT_SIDES),
    FieldSpec("start", "timestamp", True, "when it began"),
    FieldSpec("end", "timestamp", True, "when it ended (after start)"),
    FieldSpec("description", "string", False, "free text shown on the settlement"),
    FieldSpec("effect", "string", False, "degraded (default: service went on), closed (the activity did not open) "
              "or no_contacts (open, but no contact could arrive)", INCIDENT_EFFECTS),
)

MEASURED_KPI: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("commitment", "string", True, "id of the service commitment it measures"),
    FieldSpec("value", "decimal", True, "the month's result: a share (0.87 for 87%) or seconds for ASA"),
    FieldSpec("sample", "integer", False, "contacts (or evaluations) the result rests on"),
    FieldSpec("agents", "integer", False, "agents monitored, for a quality score (evaluations per agent)"),
)

SUCCESSES: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("activity", "string", True, "activity id of the contract"),
    FieldSpec("count", "integer", True, "successes of the month (sales, appointments)"),
    FieldSpec("value_sold", "decimal", False, "value sold, EUR excluding VAT"),
)


def field_names(schema: tuple[FieldSpec, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in schema)


def required_names(schema: tuple[FieldSpec, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in schema if f.required)


def answered_within_column(threshold_seconds: int) -> str:
    return f"answered_within_{threshold_seconds}s"
