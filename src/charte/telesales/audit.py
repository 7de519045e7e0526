"""The audit: every outbound attempt checked against the rules in force on its date, on DuckDB or Spark.

The rules are Ibis expressions over the attempts (canonical contact records, channel
``voice_outbound``), written once and run unchanged by DuckDB in this process (the default) or
by a Spark cluster (:mod:`charte.measure.engines`), so a year of a large campaign runs in one
pass:

1. each attempt gets the consumer's territory (:mod:`charte.telesales.consumer_zones`) and its
   local time — UTC plus the zone's offset, read from the zone's own transitions (a ``CASE``
   over at most a few DST changes a year, :mod:`charte.telesales.local_time`) — then local day,
   weekday and seconds of the day; public holidays of the territory are a per-subdivision list
   of local days;
2. one window per (professional, consumer), ordered by dial time, gives the local day of the
   4th earlier call (a 5th call within 30 calendar days is a violation iff that day is within
   the window) and the day of the last earlier refusal (D223-9);
3. each call is matched against the latest Bloctel list dated on or before its day (lists are
   given monthly; one older than 30 days is itself a finding), by ``number_hash``;
4. each rule is a predicate on that row; violating rows are expanded into one row per
   (attempt, rule) with a reason, and counted per rule, campaign, day and team.

The window sorts only the narrow columns it needs and its few hits are joined back, so the wide
rows are read once more, not sorted. Measured figures: ``benchmarks/telesales/``.

Reasons and outputs carry hashes (``consumer_hash``, ``number_hash``) and never a number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.domain import law
from charte.domain.cells import FORMULA_START, MARK, PLAIN_NUMBER
from charte.domain.contract.charter_2010 import OutboundDialing
from charte.domain.records import DialMode
from charte.measure import engines
from charte.telesales.attempts import Attempts, attempts_from_arrow, attempts_from_files, locate_departments, normalise
from charte.telesales.attempts import AuditInputError as AuditInputError  # noqa: PLC0414 (re-exported)
from charte.telesales.bloctel import BloctelList
from charte.telesales.consumer_zones import consumer_zone
from charte.telesales.local_time import (
    DAY_US,
    day_number,
    holiday_name,
    holidays_by_subdivision,
    is_holiday,
    zone_offset,
)
from charte.telesales.rules import (
    AUTOMATED_MODES,
    BLOCTEL_MAX_LIST_AGE_DAYS,
    CALLING_WEEKDAYS,
    CALLING_WINDOWS,
    DECRET_2022_1313,
    FREQUENCY_WINDOW_DAYS,
    RULES,
    Exemptions,
    Rule,
    RuleVersion,
    versions,
)

INPUT_COLUMNS = ("contact_id", "arrived_at", "channel", "activity", "agent_id", "outcome", "dial_mode", "attempt",
                 "consumer_hash", "number_hash", "refused", "consent_ref", "hours_consent_ref", "consumer_department",
                 "campaign", "team", "professional", "contract_in_progress")
_NEEDS: Mapping[Rule, tuple[str, ...]] = {
    Rule.CALL_FREQUENCY: ("consumer_hash",),
    Rule.REFUSAL_SILENCE: ("consumer_hash", "refused"),
    Rule.BLOCTEL_OPPOSITION: ("number_hash",),
    Rule.PRIOR_CONSENT: ("consent_ref",),
    Rule.AUTOMATED_MESSAGE_CONSENT: ("dial_mode", "consent_ref"),
    Rule.AUTOMATED_DIALING: ("dial_mode",),
}
_WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


class Verdict(StrEnum):
    CONFORM = "conform"
    VIOLATION = "violation"
    NOT_CHECKED = "not_checked"


#: The charter scorecard's words for these verdicts (``charte.charter.findings.Verdict``).
SCORECARD_VERDICT: Mapping[Verdict, str] = {Verdict.CONFORM: "pass", Verdict.VIOLATION: "fail",
                                            Verdict.NOT_CHECKED: "not_enough_data"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's result over the audited attempts: what the scorecard consumes."""

    rule: Rule
    reference: str
    summary: str
    attempts_checked: int
    violations: int
    verdict: Verdict
    note: str = ""

    @property
    def violation_rate(self) -> float:
        return self.violations / self.attempts_checked if self.attempts_checked else 0.0


@dataclass(frozen=True, slots=True)
class DialModeShare:
    mode: str
    attempts: int
    share: float
    automated: bool


@dataclass(frozen=True)
class AuditSettings:
    """What the audit applies; defaults are the law's. ``law_overrides`` are contract overrides
    of :mod:`charte.domain.law` keys (e.g. a stricter ``telesales.max_calls_per_30_days``)."""

    exemptions: Exemptions = field(default_factory=Exemptions)
    automated_modes: frozenset[DialMode] = AUTOMATED_MODES
    law_overrides: Mapping[str, Decimal] = field(default_factory=dict)
    bloctel_lists: tuple[BloctelList, ...] = ()
    bloctel_max_age_days: int = BLOCTEL_MAX_LIST_AGE_DAYS
    disabled: frozenset[Rule] = frozenset()
    #: zone of timestamps written without a UTC offset; None refuses them (never read as UTC)
    input_zone: str | None = None
    #: also close the consumers' local public holidays (Alsace-Moselle: Good Friday, 26 December, Code du
    #: travail L3134-13; overseas: abolition of slavery, L3422-2) — D223-9 names only those of L3133-1
    local_holidays: bool = False


def settings_for_policy(policy: OutboundDialing, law_overrides: Mapping[str, Decimal] | None = None,
                        bloctel_lists: tuple[BloctelList, ...] = ()) -> AuditSettings:
    """Audit settings of a contract's outbound dialing policy (2010 charter clause).

    The contract's ``law_overrides`` apply; a ``max_attempts_per_30_days`` stricter than the law
    becomes the frequency limit (a looser one cannot relax the law). When the contract itself
    allows an automated mode, the 2010 charter's finding still counts its attempts: the charter,
    not the contract, is what that finding measures.
    """
    overrides = dict(law_overrides or {})
    if policy.max_attempts_per_30_days is not None:
        key = "telesales.max_calls_per_30_days"
        legal = law.entry(key, date.max).value
        overrides[key] = min(Decimal(policy.max_attempts_per_30_days), overrides.get(key, legal), legal)
    return AuditSettings(law_overrides=overrides, bloctel_lists=bloctel_lists)


@dataclass
class AuditResult:
    """Findings as typed data; violations and totals stay on the engine until asked for."""

    attempts: int
    first_call: datetime | None
    last_call: datetime | None
    findings: tuple[Finding, ...]
    dial_modes: tuple[DialModeShare, ...]
    automated_share: float
    campaigns: tuple[tuple[str, int, int], ...]  # campaign, attempts, automated attempts
    con: Any = field(repr=False)  # the Ibis backend the audit ran on
    table: ir.Table = field(repr=False)  # one row per (attempt, rule)

    def finding(self, rule: Rule) -> Finding:
        return next(f for f in self.findings if f.rule is rule)

    def dial_mode_counts(self) -> dict[str, int]:
        """Attempts per dial mode, the shape of the scorecard's ``Evidence.dial_modes``."""
        return {m.mode: m.attempts for m in self.dial_modes}

    def _ordered(self, rule: Rule | None = None) -> ir.Table:
        t = self.table if rule is None else self.table.filter(self.table.rule == rule.value)
        return t.order_by(["arrived_at", "contact_id", "rule"])

    def violations(self, rule: Rule | None = None, limit: int | None = None) -> pa.Table:
        """One row per (attempt, rule): hashes, UTC and local times, campaign, team, reason."""
        ordered = self._ordered(rule)
        return self.con.to_pyarrow(ordered if limit is None else ordered.limit(int(limit)))

    def totals(self) -> pa.Table:
        """Violations per rule and campaign, per rule and local day, per rule and team (column ``dimension``)."""
        t = self.table
        parts = []
        for dimension, keys in (("rule", ()), ("campaign", ("campaign",)), ("day", ("day",)), ("team", ("team",))):
            grouped = t.group_by(["rule", *keys]).aggregate(violations=t.count())
            parts.append(grouped.select(
                dimension=ibis.literal(dimension), rule=grouped.rule,
                campaign=grouped.campaign if "campaign" in keys else ibis.null("string"),
                day=grouped.day if "day" in keys else ibis.null("date"),
                team=grouped.team if "team" in keys else ibis.null("string"),
                violations=grouped.violations))
        return self.con.to_pyarrow(ibis.union(*parts).order_by(["dimension", "rule", "campaign", "day", "team"]))

    def write_violations(self, path: str | Path) -> Path:
        """Violations to Parquet or CSV (by suffix), streamed from the engine."""
        path = Path(path)
        as_csv = path.suffix.lower() == ".csv"
        ordered = self._ordered()
        if as_csv:  # text a spreadsheet would run as a formula is made inert (charte.domain.cells)
            ordered = ordered.mutate(**{name: _inert(ordered[name]) for name, kind in ordered.schema().items()
                                        if kind.is_string()})
        if engines.engine_name(self.con) == "duckdb":
            if as_csv:
                self.con.to_csv(ordered, path)
            else:
                self.con.to_parquet(ordered, path, compression="zstd")
            return path
        batches = self.con.to_pyarrow_batches(ordered)
        writer: Any = (pacsv.CSVWriter(path, batches.schema) if as_csv
                       else pq.ParquetWriter(path, batches.schema, compression="zstd"))
        with writer:
            for batch in batches:
                writer.write_batch(batch)
        return path


def _inert(text: ir.StringValue) -> ir.StringValue:
    """``text`` with a ``'`` before it when a spreadsheet would run it as a formula (:mod:`charte.domain.cells`)."""
    risky = text.re_search(FORMULA_START) & ~text.re_search(PLAIN_NUMBER)
    return ibis.cases((risky.fill_null(False), ibis.literal(MARK) + text), else_=text)


# -- the rules as predicates ------------------------------------------------------------------------

Predicate = Callable[[ir.Table], ir.BooleanValue]


def _in_force(rule: Rule) -> Predicate:
    def applies(t: ir.Table) -> ir.BooleanValue:
        parts = [(t.local_day >= day_number(v.valid_from)) & (t.local_day < day_number(v.valid_until))
                 if v.valid_until else t.local_day >= day_number(v.valid_from) for v in versions(rule)]
        return ibis.or_(*parts) if parts else ibis.literal(False)
    return applies


def _hours_ok(t: ir.Table) -> ir.BooleanValue:
    def sec(moment: time) -> int:
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    windows = ibis.or_(*[(t.local_sec >= sec(a)) & (t.local_sec < sec(b)) for a, b in CALLING_WINDOWS])
    return t.isodow.isin(sorted(CALLING_WEEKDAYS)) & ~t.is_holiday & windows


def _exempt(rule: Rule, settings: AuditSettings) -> Predicate:
    if rule in settings.exemptions.contract_in_progress:
        return lambda t: t.contract_in_progress
    return lambda t: ibis.literal(False)


@dataclass(frozen=True)
class _Plan:
    active: dict[Rule, Predicate]  # rule → violation predicate
    not_checked: dict[Rule, str]  # rule → why
    max_calls: int
    silence_days: int


def _plan(settings: AuditSettings, present: set[str], last_day: date) -> _Plan:
    overrides = dict(settings.law_overrides)
    on = max(last_day, DECRET_2022_1313)  # the figures exist from the décret on; earlier calls are not checked
    max_calls = int(law.value("telesales.max_calls_per_30_days", on, overrides))
    silence = int(law.value("telesales.silence_days_after_refusal", on, overrides))
    window = FREQUENCY_WINDOW_DAYS
    automated = sorted(m.value for m in settings.automated_modes)
    max_age = settings.bloctel_max_age_days
    preds: dict[Rule, Predicate] = {
        # D223-9 second paragraph: outside these hours and days with the consumer's express prior consent
        Rule.CALLING_HOURS: lambda t: ~_hours_ok(t) & t.hours_consent_ref.isnull(),
        Rule.CALL_FREQUENCY: lambda t: t.consumer_hash.notnull() & (t.nth_prev_day >= t.local_day - (window - 1)),
        Rule.REFUSAL_SILENCE: lambda t: t.consumer_hash.notnull() & (t.local_day - t.refusal_day <= silence),
        Rule.PRIOR_CONSENT: lambda t: t.consent_ref.isnull(),
        Rule.AUTOMATED_MESSAGE_CONSENT: lambda t: (t.dial_mode == "automated_message") & t.consent_ref.isnull(),
        Rule.AUTOMATED_DIALING: ((lambda t: t.dial_mode.isin(automated)) if automated
                                 else (lambda t: ibis.literal(False))),
    }
    not_checked: dict[Rule, str] = {}
    if settings.bloctel_lists:
        preds[Rule.BLOCTEL_OPPOSITION] = lambda t: t.on_bloctel
        preds[Rule.BLOCTEL_LIST_DATE] = lambda t: t.list_day.isnull() | (t.local_day - t.list_day > max_age)
    else:
        for rule in (Rule.BLOCTEL_OPPOSITION, Rule.BLOCTEL_LIST_DATE):
            not_checked[rule] = "no Bloctel list given (--bloctel)"
    for rule, needs in _NEEDS.items():
        missing = [c for c in needs if c not in present]
        if missing and rule not in not_checked:
            not_checked[rule] = f"column {', '.join(f'`{c}`' for c in missing)} absent from the attempts"
    for rule in settings.disabled:
        not_checked[rule] = "disabled by the audit settings"

    def guarded(rule: Rule, pred: Predicate) -> Predicate:
        in_force, exempt = _in_force(rule), _exempt(rule, settings)
        return lambda t: in_force(t) & ~exempt(t) & pred(t)

    active = {rule: guarded(rule, pred) for rule, pred in preds.items() if rule not in not_checked}
    return _Plan(active, not_checked, max_calls, silence)


# -- reasons, as text every engine writes the same way ------------------------------------------------


def _two(value: ir.IntegerValue) -> ir.StringValue:
    return value.cast("string").lpad(2, "0")


def _day_text(con: Any, day: ir.IntegerValue) -> ir.StringValue:
    return engines.naive_from_us(con, day * DAY_US).date().cast("string")


@dataclass(frozen=True)
class _Texts:
    con: Any
    holidays: list[dict[int, str]]


def _reason(rule: Rule, plan: _Plan, settings: AuditSettings, texts: _Texts, t: ir.Table) -> ir.StringValue:
    con = texts.con
    hours, minutes = engines.int_div(con, t.local_sec, 3600), engines.int_div(con, t.local_sec % 3600, 60)
    clock = _two(hours) + ":" + _two(minutes) + ":" + _two(t.local_sec % 60)
    weekday = t.isodow.substitute(_WEEKDAYS, else_=ibis.null("string"))
    local = weekday + " " + _day_text(con, t.local_day) + " " + clock + " " + t.zone
    if rule is Rule.CALLING_HOURS:
        windows = " and ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in CALLING_WINDOWS)
        holiday = holiday_name(t.local_day, t.sub_idx, texts.holidays)
        return local + ibis.cases((t.is_holiday, ": public holiday (" + holiday + ")"),
                                  (t.isodow > 5, ibis.literal(": weekend")),
                                  else_=ibis.literal(f": outside {windows}"))
    if rule is Rule.CALL_FREQUENCY:
        return (f"{plan.max_calls + 1} or more calls to this consumer within {FREQUENCY_WINDOW_DAYS} days: "
                f"{plan.max_calls} earlier calls since " + _day_text(con, t.nth_prev_day)
                + f" (at most {plan.max_calls})")
    if rule is Rule.REFUSAL_SILENCE:
        return ("consumer refused on " + _day_text(con, t.refusal_day) + ", " + (t.local_day - t.refusal_day)
                .cast("string") + f" day(s) earlier; no call for {plan.silence_days} days")
    if rule is Rule.BLOCTEL_OPPOSITION:
        return "number on the Bloctel list of " + _day_text(con, t.list_day)
    if rule is Rule.BLOCTEL_LIST_DATE:
        first = min(b.list_date for b in settings.bloctel_lists)
        return ibis.cases(
            (t.list_day.isnull(), ibis.literal(f"no Bloctel list dated on or before the call (first list: {first})")),
            else_="latest Bloctel list (" + _day_text(con, t.list_day) + ") is " + (t.local_day - t.list_day)
            .cast("string") + f" day(s) old at the call (at most {settings.bloctel_max_age_days})")
    if rule is Rule.PRIOR_CONSENT:
        since = versions(Rule.PRIOR_CONSENT)[0].valid_from
        return ibis.literal(f"no consent reference and no contract in progress (consent required from {since})")
    if rule is Rule.AUTOMATED_MESSAGE_CONSENT:
        return ibis.literal("recorded-message call without a consent reference")
    return "dialed in " + t.dial_mode + " mode"


# -- the audit --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Territories:
    zones: list[str]
    subdivisions: list[str | None]
    zone_of: dict[str, int]  # department → zone index
    sub_of: dict[str, int]  # department → subdivision index


def _territories(departments: Iterable[str], local_holidays: bool) -> _Territories:
    """Zones and holiday subdivisions of the departments present (raises ValueError on an unknown one)."""
    zones: list[str] = []
    subs: list[str | None] = []
    zone_of: dict[str, int] = {}
    sub_of: dict[str, int] = {}
    for dept in sorted(set(departments)):
        territory = consumer_zone(dept)
        if territory.zone not in zones:
            zones.append(territory.zone)
        # D223-9 closes the public holidays of Code du travail L3133-1 (the national list); a territory's
        # own holidays (Alsace-Moselle, overseas) only when the audit is asked to (``local_holidays``)
        sub = territory.holidays_subdivision if local_holidays else None
        if sub not in subs:
            subs.append(sub)
        zone_of[dept], sub_of[dept] = zones.index(territory.zone), subs.index(sub)
    return _Territories(zones, subs, zone_of, sub_of)


def _local(con: Any, norm: ir.Table, places: _Territories, first_us: int, last_us: int,
           holidays: list[dict[int, str]], lists: Sequence[BloctelList]) -> ir.Table:
    """The attempts with their zone, local time, day, weekday, holiday and the Bloctel list in force."""
    dept = norm.consumer_department
    t = norm.mutate(zone_idx=dept.substitute(places.zone_of, else_=ibis.null("int64")).cast("int64"),
                    sub_idx=dept.substitute(places.sub_of, else_=ibis.null("int64")).cast("int64"),
                    zone=dept.substitute({d: places.zones[i] for d, i in places.zone_of.items()},
                                         else_=ibis.null("string")))
    t = t.mutate(local_us=t.us + zone_offset(t.us, t.zone_idx, places.zones, first_us, last_us))
    t = t.mutate(local_day=engines.int_div(con, t.local_us, DAY_US),
                 local_sec=engines.int_div(con, t.local_us, 1_000_000) % 86_400)
    days = sorted({day_number(bl.list_date) for bl in lists}, reverse=True)
    list_day = (ibis.cases(*[(t.local_day >= d, ibis.literal(d, "int64")) for d in days], else_=ibis.null("int64"))
                if days else ibis.null("int64"))
    return t.mutate(isodow=(t.local_day + 3) % 7 + 1, is_holiday=is_holiday(t.local_day, t.sub_idx, holidays),
                    list_day=list_day)


def _with_bloctel(base: ir.Table, lists: Sequence[BloctelList]) -> ir.Table:
    """``on_bloctel``: the number is on the list in force at the call (only the flagging pass reads it)."""
    if not lists:
        return base.mutate(on_bloctel=ibis.literal(False))
    arrow = pa.table({"_bl_h": pa.array([h for bl in lists for h in bl.hashes], pa.string()),
                      "_bl_day": pa.array([day_number(bl.list_date) for bl in lists for _ in bl.hashes], pa.int64())})
    listed = ibis.memtable(arrow).distinct()
    joined = base.left_join(listed, [base.number_hash == listed._bl_h, base.list_day == listed._bl_day])
    return joined.mutate(on_bloctel=joined._bl_h.notnull()).drop("_bl_h", "_bl_day")


def _checked_counts(con: Any, base: ir.Table, plan: _Plan, settings: AuditSettings
                    ) -> tuple[dict[Rule, int], list[tuple[str, str, int]]]:
    """Attempts each rule applies to, and attempts by campaign and dial mode (one scan, no window)."""
    rules = list(plan.active)
    counts = {f"c{i}": (_in_force(r)(base) & ~_exempt(r, settings)(base)).sum() for i, r in enumerate(rules)}
    grouped = base.group_by(campaign=base.campaign, mode=base.dial_mode.fill_null("unknown")).aggregate(
        n=base.count(), **counts)
    checked = dict.fromkeys(rules, 0)
    modes: list[tuple[str, str, int]] = []
    for row in con.to_pyarrow(grouped).to_pylist():
        modes.append((str(row["campaign"]), str(row["mode"]), int(row["n"])))
        for i, r in enumerate(rules):
            checked[r] += int(row[f"c{i}"] or 0)
    return checked, modes


def _window_hits(con: Any, base: ir.Table, plan: _Plan) -> ir.Table:
    """Attempts whose 30-day window or last refusal matters: the few rows the frequency and silence rules read."""
    narrow = base.filter(base.consumer_hash.notnull()).select(
        "contact_id", "us", "local_day", "refused", "professional", "consumer_hash")
    # the 64-bit hash first makes the sort compare integers; the strings keep partitions exact
    keys = [narrow.consumer_hash.hash(), narrow.professional, narrow.consumer_hash]
    calls = ibis.window(group_by=keys, order_by=[narrow.us, narrow.contact_id])
    earlier = ibis.window(group_by=keys, order_by=[narrow.us, narrow.contact_id], rows=(None, -1))
    w = narrow.mutate(nth_prev_day=narrow.local_day.lag(plan.max_calls).over(calls),
                      refusal_day=ibis.cases((narrow.refused, narrow.local_day)).max().over(earlier))
    hits = w.filter((w.nth_prev_day >= w.local_day - (FREQUENCY_WINDOW_DAYS - 1))
                    | (w.local_day - w.refusal_day <= plan.silence_days))
    return engines.materialise(con, hits.select(_h_id=hits.contact_id, _h_us=hits.us,
                                                nth_prev_day=hits.nth_prev_day, refusal_day=hits.refusal_day))


def _violations(con: Any, local: ir.Table, plan: _Plan, settings: AuditSettings, texts: _Texts) -> ir.Table:
    rules = list(plan.active)
    if not rules:
        empty = pa.table({"rule": pa.array([], pa.string()), "contact_id": pa.array([], pa.string()),
                          "arrived_at": pa.array([], pa.timestamp("us", tz="UTC")),
                          "local_time": pa.array([], pa.timestamp("us")),
                          **{c: pa.array([], pa.string()) for c in ("consumer_zone", "consumer_hash", "number_hash",
                                                                    "campaign", "team", "professional")},
                          "day": pa.array([], pa.date32()), "reason": pa.array([], pa.string())})
        return ibis.memtable(empty)
    hits = _window_hits(con, local, plan)
    joined = local.left_join(hits, [local.contact_id == hits._h_id, local.us == hits._h_us]).drop("_h_id", "_h_us")
    flags = {f"v_{r.value}": plan.active[r](joined) for r in rules}
    flagged = joined.mutate(**flags)
    flagged = engines.materialise(con, flagged.filter(ibis.or_(*[flagged[name] for name in flags])))
    parts = [
        flagged.filter(flagged[f"v_{r.value}"]).select(
            rule=ibis.literal(r.value), contact_id=flagged.contact_id,
            arrived_at=engines.instant_from_us(con, flagged.us),
            local_time=engines.naive_from_us(con, flagged.local_us), consumer_zone=flagged.zone,
            consumer_hash=flagged.consumer_hash, number_hash=flagged.number_hash, campaign=flagged.campaign,
            team=flagged.team, professional=flagged.professional,
            day=engines.naive_from_us(con, flagged.local_day * DAY_US).date(),
            reason=_reason(r, plan, settings, texts, flagged))
        for r in rules
    ]
    return engines.materialise(con, parts[0] if len(parts) == 1 else ibis.union(*parts))


def _findings(con: Any, violations: ir.Table, plan: _Plan, checked: Mapping[Rule, int]) -> tuple[Finding, ...]:
    counted = con.to_pyarrow(violations.group_by("rule").aggregate(n=violations.count())).to_pylist()
    counts = {Rule(r["rule"]): int(r["n"]) for r in counted}
    out = []
    for version in _latest_versions():
        rule = version.rule
        if rule in plan.not_checked:
            out.append(Finding(rule, version.source, version.summary, 0, 0, Verdict.NOT_CHECKED,
                               plan.not_checked[rule]))
            continue
        n = counts.get(rule, 0)
        applies = checked.get(rule, 0)
        if applies == 0:
            out.append(Finding(rule, version.source, version.summary, 0, 0, Verdict.NOT_CHECKED,
                               f"no attempt on or after {version.valid_from} (rule not yet in force)"))
            continue
        out.append(Finding(rule, version.source, version.summary, applies, n,
                           Verdict.VIOLATION if n else Verdict.CONFORM))
    return tuple(out)


def _latest_versions() -> list[RuleVersion]:
    latest: dict[Rule, RuleVersion] = {}
    for v in RULES:
        latest[v.rule] = v
    return [latest[r] for r in Rule if r in latest]


def run_audit(attempts: Attempts, settings: AuditSettings | None = None) -> AuditResult:
    """Audit the attempts (on the engine they were read on).

    Unknown consumer departments raise :class:`AuditInputError` naming them; columns the input
    lacks make the rules that need them ``not_checked`` (never silently conform).
    """
    settings = settings or AuditSettings()
    con = attempts.con
    norm, present = normalise(attempts, settings.input_zone)
    span = con.to_pyarrow(norm.aggregate(n=norm.count(), lo=norm.us.min(), hi=norm.us.max(),
                                         departments=norm.consumer_department.collect(distinct=True))).to_pylist()[0]
    total = int(span["n"])
    if total == 0:
        raise AuditInputError("no_outbound_attempts", attempts.source, "no row with channel voice_outbound; "
                              "expected outbound attempt records")
    first_us, last_us, departments = int(span["lo"]), int(span["hi"]), list(span["departments"] or [])
    first_day = _to_datetime(first_us).date() - timedelta(days=1)
    last_day = _to_datetime(last_us).date() + timedelta(days=1)
    try:
        places = _territories(departments, settings.local_holidays)
    except ValueError as exc:
        raise _unknown_department(attempts, departments, exc) from exc
    holidays = holidays_by_subdivision(places.subdivisions, first_day, last_day)
    base = _local(con, norm, places, first_us, last_us, holidays, settings.bloctel_lists)
    plan = _plan(settings, present, last_day)
    checked, modes = _checked_counts(con, base, plan, settings)
    violations = _violations(con, _with_bloctel(base, settings.bloctel_lists), plan, settings, _Texts(con, holidays))
    automated = {m.value for m in settings.automated_modes}
    by_mode: dict[str, int] = {}
    by_campaign: dict[str, list[int]] = {}
    for campaign, mode, n in modes:
        by_mode[mode] = by_mode.get(mode, 0) + n
        slot = by_campaign.setdefault(campaign, [0, 0])
        slot[0] += n
        slot[1] += n if mode in automated else 0
    shares = tuple(DialModeShare(m, n, n / total, m in automated) for m, n in sorted(by_mode.items()))
    auto = sum(s.attempts for s in shares if s.automated)
    return AuditResult(
        attempts=total, first_call=_to_datetime(first_us), last_call=_to_datetime(last_us),
        findings=_findings(con, violations, plan, checked), dial_modes=shares, automated_share=auto / total,
        campaigns=tuple((c, v[0], v[1]) for c, v in sorted(by_campaign.items())), con=con, table=violations,
    )


def _unknown_department(attempts: Attempts, departments: Iterable[str], exc: ValueError) -> AuditInputError:
    """Every row whose consumer department names no French territory, by file and row."""
    unknown = []
    for dept in departments:
        try:
            consumer_zone(dept)
        except ValueError:
            unknown.append(dept)
    rows = locate_departments(attempts, unknown)
    problems = tuple(f"{f}:{r}: [unknown_consumer_department] `consumer_department` is {d!r}" for f, r, d in rows)
    source = str(rows[0][0]) if rows else "<attempts>"
    return AuditInputError("unknown_consumer_department", source, str(exc).split("] ", 1)[-1], problems)


def _to_datetime(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us))


def audit_files(paths: Sequence[str | Path], settings: AuditSettings | None = None, con: Any = None) -> AuditResult:
    """Audit canonical attempt files (Parquet or CSV) on an engine (a new in-process DuckDB by default;
    a ``duckdb`` connection, a ``SparkSession`` or an Ibis backend otherwise)."""
    backend = engines.as_backend(con)
    return run_audit(attempts_from_files(backend, paths), settings)


def audit_table(table: pa.Table | Any, settings: AuditSettings | None = None, con: Any = None) -> AuditResult:
    """Audit an in-memory Arrow table of canonical attempt records."""
    backend = engines.as_backend(con)
    arrow = table if isinstance(table, pa.Table) else pa.table(table)
    return run_audit(attempts_from_arrow(backend, arrow), settings)
