"""How an issued invoice is contested: the answer period and the dispute window.

The SP2C charter of 2019 was signed under the aegis of the Médiateur des entreprises, whose
mission is to settle client–supplier disputes; the charter's own text on disputes was not
found (see DOMAIN.md), and French law sets no answer period for an invoice dispute. Both
figures are therefore **contract settings**:

* ``answer_within`` — how long a party has to answer the other's step (a contest, a what-if,
  a recommendation) before the step shows as overdue. When the contract states nothing,
  charte uses :data:`DEFAULT_ANSWER_WITHIN` (15 days) and says so wherever it applies it;
* ``window`` — how long after the invoice date the client may open a dispute; absent, the
  contract sets no window and a dispute may be opened at any time.

A dispute never suspends the due date of the undisputed part: its late-payment penalties run
from the day after the due date (Code de commerce L441-10 II).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import CalendarSpan, CalendarSpanValue

#: charte's default answer period when the contract states none (a setting, not a legal figure).
DEFAULT_ANSWER_WITHIN: Final = CalendarSpanValue(15, "day")


class DisputeTerms(Clause):
    """The dispute clause (see the module docstring)."""

    answer_within: CalendarSpan = Field(
        default=DEFAULT_ANSWER_WITHIN,
        description="time a party has to answer the other's step; charte's default 15 days when absent")
    window: CalendarSpan | None = Field(
        default=None, description="time after the invoice date during which the client may open a dispute; "
                                  "no window when absent")

    @field_validator("answer_within", "window")
    @classmethod
    def _positive(cls, span: CalendarSpanValue | None) -> CalendarSpanValue | None:
        if span is not None and span.count < 1:
            raise PydanticCustomError("span_not_positive", "{found} is not a period; expected at least 1 day",
                                      {"found": str(span)})
        return span

    def answer_due(self, posted_on: date) -> date:
        """The last day to answer a step posted on ``posted_on``."""
        return self.answer_within.after(posted_on)

    def window_closes(self, invoice_date: date) -> date | None:
        """The last day the client may open a dispute on an invoice of ``invoice_date`` (None: no window)."""
        return self.window.after(invoice_date) if self.window is not None else None


__all__ = ["DEFAULT_ANSWER_WITHIN", "DisputeTerms"]
