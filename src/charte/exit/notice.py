"""Notice at the end of the contract (SP2C charter axis 7; Code de commerce L442-1 II).

Ending an established commercial relationship, even partially, needs written notice that
reflects the relationship's length and sector usage. charte compares three figures:

- the **contractual** notice (``exit.notice``), which ends on ``notice.after(notice_date)``;
- the **proportional** notice: ``exit.notice_per_year`` (the parties' rule) — or, when the
  contract states none, ``practice_months_per_year`` (a setting, 1 month per year of
  relationship by default: a usage often cited in case law, not a rule of law) — times the
  years since ``relationship_since``;
- the **safe harbour**: 18 months (law table ``notice.safe_harbour_months``) protect from any
  claim of short notice; the notice owed is never more than that.

``notice_short_for_relationship`` (warning) when the contractual notice is below what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from charte.domain.contract import Contract
from charte.domain.contract.quantities import CalendarSpanValue

DAYS_PER_YEAR = Decimal("365.25")


class NoticeError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code


@dataclass(frozen=True)
class NoticeAssessment:
    notice_date: date
    relationship_since: date
    relationship_years: Decimal
    contractual: CalendarSpanValue
    ends_on: date
    months_per_year: Decimal
    per_year_source: str
    proportional_months: Decimal
    safe_harbour_months: Decimal
    owed_months: Decimal
    findings: tuple[tuple[str, str], ...]

    @property
    def is_sufficient(self) -> bool:
        return not any(code == "notice_short_for_relationship" for code, _ in self.findings)


def assess_notice(
    contract: Contract, notice_date: date, practice_months_per_year: Decimal = Decimal(1),
) -> NoticeAssessment:
    """Assess notice given on ``notice_date`` (see the module docstring)."""
    version = contract.as_of(notice_date)
    if version.exit is None:
        raise NoticeError("exit_clause_missing", f"contract {contract.id} has no `exit` clause (axis 7)")
    since = version.relationship_since or version.term.start
    if notice_date < since:
        raise NoticeError("notice_before_relationship", f"notice date {notice_date.isoformat()} is before the "
                                                        f"relationship began on {since.isoformat()}")
    years = Decimal((notice_date - since).days) / DAYS_PER_YEAR
    if version.exit.notice_per_year is not None:
        per_year = version.exit.notice_per_year.approx_months
        source = f"contract: {version.exit.notice_per_year} per year"
    else:
        per_year, source = practice_months_per_year, f"practice setting: {practice_months_per_year} month(s) per year"
    proportional = per_year * years
    harbour = version.law_value("notice.safe_harbour_months", notice_date)
    owed = min(proportional, harbour)
    contractual = version.exit.notice
    findings: list[tuple[str, str]] = []
    if contractual.approx_months + Decimal("0.01") < owed:
        findings.append(("notice_short_for_relationship",
                         f"notice of {contractual} is {owed - contractual.approx_months:.1f} months short of the "
                         f"{owed:.1f} months owed for {years:.1f} years of relationship since {since.isoformat()} "
                         f"({source}; L442-1 II)"))
    if contractual.approx_months >= harbour:
        findings.append(("notice_safe_harbour", f"notice of {contractual} reaches the {harbour}-month safe harbour "
                                                "of L442-1 II: no claim for short notice"))
    return NoticeAssessment(notice_date, since, years, contractual, contractual.after(notice_date), per_year, source,
                            proportional, harbour, owed, tuple(findings))
