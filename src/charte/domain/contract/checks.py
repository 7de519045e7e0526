"""Cross-clause rules: what no single clause can check alone.

Each rule reads the clauses it needs and returns :class:`Finding` values; a rule whose
clauses are absent (or failed their own validation) is skipped, so a document with broken
clauses still gets every other problem reported. Rules and their sources:

- ids are unique (activities, commitments, amendments, sites, horizons) — ``duplicate_id``;
- references resolve: a commitment's activity (``unknown_activity``), a grid's commitment
  (``unknown_commitment``), a horizon (``unknown_horizon``), a site (``unknown_site``), a legal
  constant (``unknown_law_key``);
- a metric is measured on a channel that has it (``metric_channel_mismatch``); a success fee
  belongs to a commercial activity (``success_fee_not_commercial``); band-based evaluation
  needs a forecast band (``evaluation_needs_forecast_band``) — SP2C 2019 axes 1–2;
- axis 3: a grid's cap within the overall cap (``cap_above_overall_cap``), symmetry
  (``bonus_malus_not_symmetric``), no double penalty (``double_penalty_risk``, warning);
- axis 6: payment term within the legal maximum (``payment_term_exceeds_legal_max``,
  L441-10), indemnity not below €40 (``recovery_indemnity_below_legal``, D441-5);
- axis 7: notice proportional to the relationship when the contract says so
  (``notice_short_for_relationship``, warning; L442-1 II);
- dates: relationship before term (``relationship_after_term_start``), amendments inside the
  term (``amendment_outside_term``) and in order (``amendments_out_of_order``), not retroactive
  (``amendment_retroactive``, warning); a change to a monthly clause during a month applies from
  the next month (``amendment_mid_month``, warning);
- 2010 charter: certifications valid (``certification_expired``, warning), staff in France
  (``staff_in_france_below_practice``, warning), no automated dialer (``automated_dialer``,
  warning), a dialing policy for outbound activities (``dialing_policy_missing``, warning),
  calling frequency within the law (``outbound_attempts_exceed_legal_max``, D223-9);
- every charter axis covered by a clause (``axis_not_covered``, warning);
- forecasts, band and minimum billing applicable by a monthly settlement as written
  (:mod:`charte.domain.contract.settlement_rules`);
- what an invoice needs from the parties (:func:`invoicing_parties`): postal addresses, SIREN
  and SIRET, electronic addresses, VAT numbers, the provider's legal form, share capital and
  RCS (``missing_party_field``, ``siret_not_of_siren``, ``vat_number_mismatch``,
  ``electronic_address_not_siren``, ``provider_not_in_france``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from charte.domain import law
from charte.domain.contract.activities import Activity, Function
from charte.domain.contract.amendments import MONTHLY_CLAUSES, Amendment
from charte.domain.contract.bonus_malus import BonusMalus
from charte.domain.contract.charter_2010 import Charter2010
from charte.domain.contract.exit import Exit
from charte.domain.contract.forecast_commitments import ForecastCommitments
from charte.domain.contract.indexation import Indexation
from charte.domain.contract.liability import Liability
from charte.domain.contract.parties import EU_MEMBER_STATES, Party, Provider, Term, french_vat_number
from charte.domain.contract.payment_terms import PaymentTerms
from charte.domain.contract.price_floor import PriceFloor
from charte.domain.contract.problems import Finding, Path
from charte.domain.contract.quantities import format_percent
from charte.domain.contract.service_commitments import METRIC_CHANNELS, Evaluation, ServiceCommitment
from charte.domain.contract.settlement_rules import evaluation_rules, forecast_rules, measurement_rules
from charte.domain.records import Channel, DialMode

if TYPE_CHECKING:
    from charte.domain.contract.model import Contract


@dataclass(frozen=True)
class ContractParts:
    """The clauses of a contract document that passed their own validation (absent ones are ``None``)."""

    client: Party | None = None
    provider: Provider | None = None
    relationship_since: date | None = None
    term: Term | None = None
    activities: tuple[Activity, ...] | None = None
    forecasts: ForecastCommitments | None = None
    service_commitments: tuple[ServiceCommitment, ...] | None = None
    bonus_malus: BonusMalus | None = None
    price_floor: PriceFloor | None = None
    indexation: Indexation | None = None
    payment_terms: PaymentTerms | None = None
    exit: Exit | None = None
    liability: Liability | None = None
    charter_2010: Charter2010 | None = None
    law_overrides: Mapping[str, Decimal] = field(default_factory=dict)
    amendments: tuple[Amendment, ...] | None = None
    present: frozenset[str] = frozenset()
    #: ids written in list clauses even where the item itself is broken (``activities``, ``service_commitments``)
    declared: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: the day legal constants are read on when the term itself is broken
    reference_day: date | None = None
    #: (index, commitment id, activity id) of service commitments that are broken but name an activity
    broken_commitments: tuple[tuple[int, str, str], ...] = ()

    @property
    def day(self) -> date | None:
        """The day legal constants are read on: the term's start."""
        return self.term.start if self.term is not None else self.reference_day

    def known_ids(self, clause: str, valid: Iterable[str]) -> frozenset[str]:
        return frozenset(valid) | self.declared.get(clause, frozenset())

    @classmethod
    def of_contract(cls, contract: Contract) -> ContractParts:
        names = [f for f in cls.__dataclass_fields__ if f not in _META]
        values = {name: getattr(contract, name) for name in names}
        present = frozenset(name for name, value in values.items() if value is not None and value != ())
        return cls(**values, present=present)

    @classmethod
    def of_clauses(cls, clauses: Mapping[str, Any], present: Iterable[str],
                   declared: Mapping[str, frozenset[str]] | None = None,
                   reference_day: date | None = None,
                   broken_commitments: tuple[tuple[int, str, str], ...] = ()) -> ContractParts:
        names = set(cls.__dataclass_fields__) - _META
        return cls(**{k: v for k, v in clauses.items() if k in names}, present=frozenset(present),
                   declared=declared or {}, reference_day=reference_day, broken_commitments=broken_commitments)


_META: frozenset[str] = frozenset({"present", "declared", "reference_day", "broken_commitments"})


def check(parts: ContractParts, on: date | None = None) -> list[Finding]:
    """Every cross-clause finding. ``on`` dates the certification check (the term's start when absent)."""
    findings: list[Finding] = []
    for rule in _RULES:
        try:
            findings.extend(rule(parts))
        except law.UnknownConstantError as unknown:
            # a contract dated before a legal figure existed (e.g. a 1999 replay): the rule cannot be checked
            findings.append(Finding("law_not_in_force", (rule.__name__.strip("_"),),
                                    f"{unknown.args[0]}: this check was not made", "warning"))
    findings.extend(_certifications(parts, on))
    return findings


# ---------------------------------------------------------------- identity and references

def _duplicates(ids: Iterable[str], where: str, prefix: Path, what: str, key: str = "id") -> list[Finding]:
    findings = []
    seen: Counter[str] = Counter()
    for index, value in enumerate(ids):
        seen[value] += 1
        if seen[value] == 2:
            findings.append(Finding("duplicate_id", (*prefix, index, key),
                                    f"{what} {value!r} appears twice in `{where}`; ids must be unique"))
    return findings


def _ids(parts: ContractParts) -> list[Finding]:
    findings = []
    if parts.activities is not None:
        findings += _duplicates((a.id for a in parts.activities), "activities", ("activities",), "activity")
    if parts.service_commitments is not None:
        findings += _duplicates((c.id for c in parts.service_commitments), "service_commitments",
                                ("service_commitments",), "commitment")
    if parts.amendments is not None:
        findings += _duplicates((a.id for a in parts.amendments), "amendments", ("amendments",), "amendment")
    if parts.provider is not None:
        findings += _duplicates((s.name for s in parts.provider.sites), "provider.sites", ("provider", "sites"),
                                "site", "name")
    if parts.forecasts is not None:
        findings += _duplicates((h.name for h in parts.forecasts.horizons), "forecasts.horizons",
                                ("forecasts", "horizons"), "horizon", "name")
    return findings


def _activity_references(parts: ContractParts) -> list[Finding]:
    if parts.activities is None or parts.service_commitments is None:
        return []
    by_id = {a.id: a for a in parts.activities}
    known = parts.known_ids("activities", by_id)
    findings = [
        _unknown_activity(index, commitment_id, activity_id, known)
        for index, commitment_id, activity_id in parts.broken_commitments if activity_id not in known
    ]
    for index, commitment in enumerate(parts.service_commitments):
        activity = by_id.get(commitment.activity)
        if commitment.activity not in known:
            findings.append(_unknown_activity(index, commitment.id, commitment.activity, known))
        if activity is None:
            continue
        allowed = METRIC_CHANNELS[commitment.metric]
        if activity.channel not in allowed:
            findings.append(Finding(
                "metric_channel_mismatch", ("service_commitments", index, "metric"),
                f"commitment {commitment.id!r} measures {commitment.metric} on activity {activity.id!r} "
                f"(channel {activity.channel.value}); {commitment.metric} applies to "
                f"{', '.join(sorted(c.value for c in allowed))}",
            ))
    return findings


def _unknown_activity(index: int, commitment_id: str, activity_id: str, known: frozenset[str]) -> Finding:
    return Finding("unknown_activity", ("service_commitments", index, "activity"),
                   f"commitment {commitment_id!r} refers to activity {activity_id!r}, which the contract does not "
                   f"define; activities: {', '.join(sorted(known)) or 'none'}")


def _site_references(parts: ContractParts) -> list[Finding]:
    if parts.provider is None:
        return []
    sites = {s.name for s in parts.provider.sites}
    findings = []
    for index, activity in enumerate(parts.activities or ()):
        for position, name in enumerate(activity.sites):
            if name not in sites:
                findings.append(Finding("unknown_site", ("activities", index, "sites", position),
                                        f"activity {activity.id!r} is produced at site {name!r}, which is not among "
                                        f"the provider's sites ({', '.join(sorted(sites))})"))
    certifications = parts.charter_2010.certifications if parts.charter_2010 else ()
    for index, held in enumerate(certifications):
        for position, name in enumerate(held.sites):
            if name not in sites:
                findings.append(Finding("unknown_site", ("charter_2010", "certifications", index, "sites", position),
                                        f"certification {held.name.value} covers site {name!r}, which is not among "
                                        f"the provider's sites ({', '.join(sorted(sites))})"))
    return findings


def _success_fees(parts: ContractParts) -> list[Finding]:
    findings = []
    for index, activity in enumerate(parts.activities or ()):
        if activity.pricing.success_fee is not None and activity.function is not Function.COMMERCIAL:
            findings.append(Finding(
                "success_fee_not_commercial", ("activities", index, "pricing", "success_fee"),
                f"activity {activity.id!r} has a success fee but its function is {activity.function.value}; "
                "expected a commercial activity",
            ))
    return findings


def _law_keys(parts: ContractParts) -> list[Finding]:
    return [
        Finding("unknown_law_key", ("law_overrides", key),
                f"`law_overrides` names {key!r}, which is not a legal constant; known: {', '.join(sorted(law.KEYS))}")
        for key in parts.law_overrides if key not in law.KEYS
    ]


def _law(parts: ContractParts, key: str, on: date) -> Decimal:
    overrides = {k: v for k, v in parts.law_overrides.items() if k in law.KEYS}
    return law.value(key, on, overrides)


# ---------------------------------------------------------------- axes 1 to 3

def _horizons(parts: ContractParts) -> list[Finding]:
    forecasts = parts.forecasts
    if forecasts is None:
        return []
    names = {h.name for h in forecasts.horizons}
    findings = []
    references: list[tuple[Path, str | None]] = [(("forecasts", "band", "horizon"), forecasts.band.horizon)]
    if forecasts.interval_band is not None:
        references.append((("forecasts", "interval_band", "horizon"), forecasts.interval_band.horizon))
    if forecasts.fair_evaluation is not None:
        references.append((("forecasts", "fair_evaluation", "horizon"), forecasts.fair_evaluation.horizon))
    if forecasts.minimum_billing is not None:
        references.append((("forecasts", "minimum_billing", "horizon"), forecasts.minimum_billing.horizon))
    for path, name in references:
        if name is not None and name not in names:
            findings.append(Finding("unknown_horizon", path, f"horizon {name!r} is not among the forecast horizons "
                                                             f"({', '.join(sorted(names))})"))
    return findings


def _evaluation(parts: ContractParts) -> list[Finding]:
    if parts.service_commitments is None or parts.forecasts is not None or "forecasts" in parts.present:
        return []
    return [
        Finding("evaluation_needs_forecast_band", ("service_commitments", index, "evaluation"),
                f"commitment {c.id!r} is evaluated {c.evaluation.value}, which needs the forecast band of a "
                "`forecasts` clause (axis 1); add one or evaluate raw")
        for index, c in enumerate(parts.service_commitments) if c.evaluation is not Evaluation.RAW
    ]


def _bonus_malus(parts: ContractParts) -> list[Finding]:
    grid_clause = parts.bonus_malus
    if grid_clause is None:
        return []
    findings = []
    known = {c.id: c for c in parts.service_commitments or ()}
    declared = parts.known_ids("service_commitments", known)
    overall = grid_clause.overall_cap
    for key, grid in grid_clause.grids.items():
        path: Path = ("bonus_malus", "grids", key)
        if key not in declared:
            findings.append(Finding("unknown_commitment", path,
                                    f"bonus/malus grid {key!r} refers to no service commitment; commitments: "
                                    f"{', '.join(sorted(known)) or 'none'}"))
        if grid.cap_malus is not None and grid.cap_malus > overall.malus:
            findings.append(Finding("cap_above_overall_cap", (*path, "cap_malus"),
                                    f"grid {key!r} caps its malus at {format_percent(grid.cap_malus)}, above the "
                                    f"overall malus cap of {format_percent(overall.malus)}"))
        if grid.cap_bonus is not None and overall.bonus is not None and grid.cap_bonus > overall.bonus:
            findings.append(Finding("cap_above_overall_cap", (*path, "cap_bonus"),
                                    f"grid {key!r} caps its bonus at {format_percent(grid.cap_bonus)}, above the "
                                    f"overall bonus cap of {format_percent(overall.bonus)}"))
        if grid_clause.symmetric and (grid.malus is None) != (grid.bonus is None):
            missing = "bonus" if grid.bonus is None else "malus"
            findings.append(Finding("bonus_malus_not_symmetric", path,
                                    f"the grids are declared symmetric but grid {key!r} has no {missing}; "
                                    f"add a {missing} or set `symmetric: false`"))
    if grid_clause.no_double_penalty:
        findings += _double_penalty(grid_clause, known)
    return findings


def _double_penalty(grid_clause: BonusMalus, known: Mapping[str, ServiceCommitment]) -> list[Finding]:
    """Service level, answer rate and abandonment on one activity all penalise the same lost calls."""
    overlapping = {"service_level", "answer_rate", "abandonment"}
    by_activity: dict[str, list[str]] = {}
    for key, grid in grid_clause.grids.items():
        commitment = known.get(key)
        if commitment is not None and grid.malus is not None and commitment.metric in overlapping:
            by_activity.setdefault(commitment.activity, []).append(key)
    return [
        Finding("double_penalty_risk", ("bonus_malus", "grids", keys[1]),
                f"grids {', '.join(repr(k) for k in keys)} all put a malus on lost calls of activity {activity!r}, "
                "while the contract forbids double penalties; keep one or state how they combine", "warning")
        for activity, keys in by_activity.items() if len(keys) > 1
    ]


# ---------------------------------------------------------------- axes 6 and 7

def _payment(parts: ContractParts) -> list[Finding]:
    terms, day = parts.payment_terms, parts.day
    if terms is None or day is None:
        return []
    findings = []
    resolved = law.resolve(terms.legal_max_key, day,
                           {k: v for k, v in parts.law_overrides.items() if k in law.KEYS})
    if terms.days > resolved.value:
        kind = {"payment.max_days_end_of_month": "days end of month",
                "payment.max_days_periodic_invoice": "days from a periodic (monthly) invoice"}.get(
            terms.legal_max_key, "days from the invoice date")
        findings.append(Finding(
            "payment_term_exceeds_legal_max", ("payment_terms", "days"),
            f"payment at {terms.days} days exceeds the legal maximum of {resolved.value} {kind} "
            f"({resolved.source}) by {terms.days - int(resolved.value)} days",
        ))
    indemnity = terms.recovery_indemnity
    legal = _law(parts, "recovery_indemnity.eur", day)
    if indemnity is not None and indemnity < legal:
        findings.append(Finding("recovery_indemnity_below_legal", ("payment_terms", "recovery_indemnity"),
                                f"recovery indemnity {indemnity} EUR is below the legal {legal} EUR per late invoice "
                                "(Code de commerce D441-5)"))
    return findings


def _notice(parts: ContractParts) -> list[Finding]:
    exit_clause, since, term = parts.exit, parts.relationship_since, parts.term
    if exit_clause is None or exit_clause.notice_per_year is None or since is None or term is None:
        return []
    end = term.end or term.start
    years = Decimal((end - since).days) / Decimal("365.25")
    owed = min(exit_clause.notice_per_year.approx_months * years, _law(parts, "notice.safe_harbour_months", end))
    if exit_clause.notice.approx_months + Decimal("0.01") < owed:
        return [Finding("notice_short_for_relationship", ("exit", "notice"),
                        f"notice of {exit_clause.notice} is shorter than the {exit_clause.notice_per_year} per year "
                        f"of relationship the contract states: {owed:.1f} months for {years:.1f} years since "
                        f"{since.isoformat()} (L442-1 II)", "warning")]
    return []


# ---------------------------------------------------------------- dates and amendments

def _dates(parts: ContractParts) -> list[Finding]:
    term = parts.term
    if term is None:
        return []
    findings = []
    if parts.relationship_since is not None and parts.relationship_since > term.start:
        findings.append(Finding("relationship_after_term_start", ("relationship_since",),
                                f"the relationship starts on {parts.relationship_since.isoformat()}, after the term "
                                f"starts on {term.start.isoformat()}; expected on or before it"))
    previous: date | None = None
    for index, amendment in enumerate(parts.amendments or ()):
        path: Path = ("amendments", index, "effective")
        renewed = term.renewal == "tacit_yearly" and term.end is not None and amendment.effective > term.end
        if not term.covers(amendment.effective) and not renewed:
            end = term.end.isoformat() if term.end else "open-ended"
            findings.append(Finding("amendment_outside_term", path,
                                    f"amendment {amendment.id!r} takes effect on {amendment.effective.isoformat()}, "
                                    f"outside the term {term.start.isoformat()} – {end}"))
        if previous is not None and amendment.effective < previous:
            findings.append(Finding("amendments_out_of_order", path,
                                    f"amendment {amendment.id!r} takes effect on {amendment.effective.isoformat()}, "
                                    f"before the amendment listed above it ({previous.isoformat()}); list amendments "
                                    "in order of effective date"))
        previous = amendment.effective if previous is None else max(previous, amendment.effective)
        if amendment.signed is not None and amendment.effective < amendment.signed:
            findings.append(Finding("amendment_retroactive", path,
                                    f"amendment {amendment.id!r} takes effect on {amendment.effective.isoformat()}, "
                                    f"before it was signed ({amendment.signed.isoformat()})", "warning"))
        monthly = [k for k in MONTHLY_CLAUSES if k in amendment.changes]
        if amendment.effective.day != 1 and monthly:
            findings.append(Finding("amendment_mid_month", path,
                                    f"amendment {amendment.id!r} takes effect on {amendment.effective.isoformat()}, "
                                    f"during a month, and changes {', '.join(monthly)}: these are assessed over whole "
                                    "months, so the change applies from the next month's first day (prices are "
                                    "split pro rata within the month)", "warning"))
        for key in ("contract", "amendments"):
            if key in amendment.changes:
                findings.append(Finding("invalid_value", ("amendments", index, "changes", key),
                                        f"an amendment cannot change `{key}`"))
    return findings


# ---------------------------------------------------------------- 2010 charter

def _certifications(parts: ContractParts, on: date | None) -> list[Finding]:
    if parts.charter_2010 is None:
        return []
    day = on or (parts.term.start if parts.term else None)
    if day is None:
        return []
    return [
        Finding("certification_expired", ("charter_2010", "certifications", index, "until"),
                f"certification {held.name.value} expired on {held.until.isoformat()} (checked on {day.isoformat()}); "
                "renew it or update the date", "warning")
        for index, held in enumerate(parts.charter_2010.certifications) if held.until < day
    ]


def _charter_2010(parts: ContractParts) -> list[Finding]:
    charter = parts.charter_2010
    findings = []
    if charter is not None and charter.staff_in_france is not None and parts.term is not None:
        practice = _law(parts, "practice.staff_in_france_provider", parts.term.start)
        if charter.staff_in_france < practice:
            findings.append(Finding("staff_in_france_below_practice", ("charter_2010", "staff_in_france"),
                                    f"{format_percent(charter.staff_in_france)} of the contract's staff in France is "
                                    f"below the {format_percent(practice)} providers aimed at in the 2010 charter",
                                    "warning"))
    dialing = charter.outbound_dialing if charter else None
    if dialing is not None:
        if dialing.mode in (DialMode.PREDICTIVE, DialMode.AUTOMATED_MESSAGE) or dialing.automated_messages:
            findings.append(Finding("automated_dialer", ("charter_2010", "outbound_dialing", "mode"),
                                    f"outbound dialing in {dialing.mode.value} mode"
                                    f"{' with automated messages' if dialing.automated_messages else ''}: the 2010 "
                                    "charter rules out automated commercial-prospecting dialers", "warning"))
        if dialing.max_attempts_per_30_days is not None and parts.term is not None:
            legal = _law(parts, "telesales.max_calls_per_30_days", max(parts.term.start, date(2023, 3, 1)))
            if dialing.max_attempts_per_30_days > legal:
                findings.append(Finding(
                    "outbound_attempts_exceed_legal_max",
                    ("charter_2010", "outbound_dialing", "max_attempts_per_30_days"),
                    f"{dialing.max_attempts_per_30_days} calls per consumer in 30 days exceeds the legal maximum of "
                    f"{legal} (Code de la consommation D223-9)"))
    outbound = [i for i, a in enumerate(parts.activities or ())
                if a.channel is Channel.VOICE_OUTBOUND and a.function is Function.COMMERCIAL]
    if outbound and dialing is None and parts.charter_2010 is not None:
        findings.append(Finding("dialing_policy_missing", ("activities", outbound[0], "channel"),
                                "an outbound commercial activity needs `charter_2010.outbound_dialing` (dial mode, "
                                "Bloctel screening, consent)", "warning"))
    return findings


_AXES: dict[str, str] = {
    "forecasts": "axis 1 (forecasts and minimum billing)",
    "service_commitments": "axis 2 (service commitments)",
    "bonus_malus": "axis 3 (bonus, malus and penalties)",
    "price_floor": "axis 4 (socially responsible price)",
    "indexation": "axis 5 (annual indexation)",
    "exit": "axis 7 (contract end)",
    "liability": "axis 8 (limitation of liability)",
    "charter_2010": "the 2010 charter's items",
}


def _axes(parts: ContractParts) -> list[Finding]:
    return [
        Finding("axis_not_covered", (), f"no `{name}` clause: the contract says nothing on {axis} of the charters",
                "warning")
        for name, axis in _AXES.items() if name not in parts.present
    ]


# ---------------------------------------------------------------- what an invoice needs from the parties

_WHY: dict[str, str] = {
    "address": "postal address (street, postcode, city, country: EN 16931 BG-5/BG-8, CGI ann. II "
               "art. 242 nonies A)",
    "siren": "SIREN (BT-30/BT-47, CGI ann. II art. 242 nonies A; BR-FR-10/BR-FR-11)",
    "siret": "SIRET of the billed establishment (14 digits starting with the SIREN)",
    "electronic_address": "electronic address for the accredited platforms (BT-34/BT-49, BR-FR-12/13): "
                          "`{scheme: \"0225\", id: <SIREN>}` for a French company",
    "legal_form": "legal form, e.g. SAS (Code de commerce R123-237)",
    "share_capital": "share capital in EUR (Code de commerce R123-237)",
    "rcs_city": "trade register (RCS) city (Code de commerce R123-237)",
    "vat_number": "VAT number: a client in another EU country is invoiced under reverse charge, which needs "
                  "it (CGI art. 283-2, 242 nonies A; EN 16931 BR-AE-02)",
}


def _missing(role: str, party: Party, fields: tuple[str, ...]) -> list[Finding]:
    return [Finding("missing_party_field", (role, name), f"`{role}.{name}` is missing: an invoice must give the "
                                                         f"{role}'s {_WHY[name]}")
            for name in fields if getattr(party, name) is None]


def _identity(role: str, party: Party) -> list[Finding]:
    findings = []
    if party.siren and party.siret and not party.siret.startswith(party.siren):
        findings.append(Finding("siret_not_of_siren", (role, "siret"),
                                f"SIRET {party.siret} does not start with the SIREN {party.siren}; expected "
                                f"{party.siren} followed by the 5-digit establishment number (BR-FR-09)"))
    if party.siren and party.vat_number and party.country in (None, "FR") \
            and party.vat_number != french_vat_number(party.siren):
        findings.append(Finding("vat_number_mismatch", (role, "vat_number"),
                                f"VAT number {party.vat_number} is not the one of SIREN {party.siren}; expected "
                                f"{french_vat_number(party.siren)}"))
    country = party.country
    if party.vat_number and country and country != "FR" and party.vat_number[:2] != ("EL" if country == "GR"
                                                                                      else country):
        findings.append(Finding("vat_number_mismatch", (role, "vat_number"),
                                f"VAT number {party.vat_number} is not of the party's country {country}; expected a "
                                f"number starting with {'EL' if country == 'GR' else country}"))
    address = party.electronic_address
    if address is not None and party.siren and (country in (None, "FR")) and (
            address.scheme != "0225" or not address.id.startswith(party.siren)):
        findings.append(Finding("electronic_address_not_siren", (role, "electronic_address"),
                                f"a French company's electronic address is its SIREN under scheme 0225; found "
                                f"{address.scheme}:{address.id}, expected 0225:{party.siren}… (BR-FR-21)"))
    return findings


def invoicing_parties(parts: ContractParts) -> list[Finding]:
    """What an invoice needs from the parties, each missing or inconsistent field at its place.

    The provider invoices from France: address, SIREN, SIRET, electronic address, legal form,
    share capital and RCS city. A client in France: address, SIREN, SIRET, electronic address
    (its SIREN under scheme 0225). A client elsewhere in the EU: address, VAT number (reverse
    charge), electronic address; outside the EU: address and electronic address (the service
    is outside the scope of French VAT, CGI art. 259-1°). VAT numbers derive from the SIREN in
    France; when written they must match it.
    """
    findings: list[Finding] = []
    provider, client = parts.provider, parts.client
    if provider is not None:
        findings += _missing("provider", provider, ("address", "siret", "electronic_address", "legal_form",
                                                    "share_capital", "rcs_city"))
        if provider.country not in (None, "FR"):
            findings.append(Finding("provider_not_in_france", ("provider", "address", "country"),
                                    f"the provider's address is in {provider.country}; charte issues French "
                                    "invoices, from a provider established in France (expected FR)"))
        findings += _identity("provider", provider)
    if client is not None:
        country = client.country
        needed: tuple[str, ...] = ("address", "electronic_address")
        if country in (None, "FR"):
            needed = ("address", "siren", "siret", "electronic_address")
        elif country in EU_MEMBER_STATES:
            needed = ("address", "vat_number", "electronic_address")
        findings += _missing("client", client, needed)
        findings += _identity("client", client)
    return findings


_RULES = (_ids, _activity_references, _site_references, _success_fees, _law_keys, _horizons, _evaluation,
          _bonus_malus, _payment, _notice, _dates, _charter_2010, _axes, invoicing_parties, forecast_rules,
          evaluation_rules, measurement_rules)
