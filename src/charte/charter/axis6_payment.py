"""Axis 6 of the SP2C charter (2019) and Code de commerce L441-10, D441-5: payment terms.

Findings:

- ``payment_terms_legal`` — the term within the legal maximum and the recovery indemnity not
  below €40 (the contract's own rules ``payment_term_exceeds_legal_max`` and
  ``recovery_indemnity_below_legal``, :mod:`charte.domain.contract.checks`); a term above
  :data:`TERM_WARN_DAYS` days from invoice (or any end-of-month term) warns;
- ``days_late`` — from observed payments (:class:`~charte.charter.evidence.PaymentRecord`): every
  invoice paid by its due date passes; a delay warns; a mean delay above
  :data:`MEAN_LATE_FAIL_DAYS` days or an unpaid invoice more than :data:`UNPAID_FAIL_DAYS` days
  overdue fails (settings).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding

TERM_WARN_DAYS: Final = 45
MEAN_LATE_FAIL_DAYS: Final = 15
UNPAID_FAIL_DAYS: Final = 30
REF: Final = f"{CHARTER_2019}, axe 6 ; Code de commerce L441-10, D441-5"


def findings(ev: Evidence) -> list[Finding]:
    return [_terms(ev), _late(ev)]


def _terms(ev: Evidence) -> Finding:
    terms = ev.contract.payment_terms
    basis_fr = "fin de mois" if terms.basis == "end_of_month" else "date de facture"
    basis_en = "end of month" if terms.basis == "end_of_month" else "from the invoice date"
    problems = ev.contract_problems("payment_term_exceeds_legal_max", "recovery_indemnity_below_legal")
    figures = {"days": terms.days, "basis": terms.basis, "invoicing": terms.invoicing,
               "legal_max_key": terms.legal_max_key,
               "legal_max": ev.contract.law_value(terms.legal_max_key, ev.contract.term.start)}
    if problems:
        return finding("6", "payment_terms_legal", "fail",
                       f"Paiement à {terms.days} jours ({basis_fr}) : " + " ; ".join(p.message for p in problems),
                       f"Payment at {terms.days} days ({basis_en}): " + "; ".join(p.message for p in problems), REF,
                       problems=[p.code for p in problems], **figures)
    long = terms.basis == "end_of_month" or terms.days > TERM_WARN_DAYS
    return finding("6", "payment_terms_legal", "warn" if long else "pass",
                   f"Paiement à {terms.days} jours ({basis_fr}), dans la limite légale"
                   + (", mais long pour le prestataire." if long else "."),
                   f"Payment at {terms.days} days ({basis_en}), within the legal maximum"
                   + (", but long for the provider." if long else "."), REF, warn_above_days=TERM_WARN_DAYS,
                   **figures)


def _late(ev: Evidence) -> Finding:
    if not ev.payments:
        return finding("6", "days_late", "not_enough_data", "Aucun paiement observé fourni.",
                       "No observed payment given.", REF)
    days = {p.invoice: p.days_late(ev.today) for p in ev.payments if p.paid is not None or p.due < ev.today}
    if not days:
        return finding("6", "days_late", "not_enough_data", "Aucune facture échue.", "No invoice due yet.", REF)
    late = {k: v for k, v in days.items() if v > 0}
    mean = Decimal(sum(days.values())) / len(days)
    unpaid_long = [p.invoice for p in ev.payments if p.paid is None and p.days_late(ev.today) > UNPAID_FAIL_DAYS]
    verdict: Verdict = "fail" if mean > MEAN_LATE_FAIL_DAYS or unpaid_long else "warn" if late else "pass"
    return finding("6", "days_late", verdict,
                   f"{len(late)} facture(s) sur {len(days)} payée(s) en retard ; retard moyen {mean:.1f} j, "
                   f"maximum {max(days.values())} j" + (f" ; impayées : {', '.join(unpaid_long)}." if unpaid_long
                                                       else "."),
                   f"{len(late)} of {len(days)} invoice(s) paid late; mean delay {mean:.1f} days, maximum "
                   f"{max(days.values())} days" + (f"; unpaid: {', '.join(unpaid_long)}." if unpaid_long else "."),
                   REF, days_late=days, mean_days_late=mean.quantize(Decimal("0.1")), unpaid_overdue=unpaid_long)
