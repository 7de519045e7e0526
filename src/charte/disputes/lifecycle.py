"""The e-invoicing lifecycle statuses a dispute records on the invoice (AFNOR XP Z12-012 v1.4, CDV).

When the client contests, the invoice becomes **En litige** (207) — or **Refusée** (210) when the
whole invoice is refused for its whole amount; each carries a reason code of the standard's list
for that status (BR-FR-CDV-CL-09), chosen from the claim's reason. When the dispute ends:

* agreement with a credit note → **Approuvée partiellement** (206): the client approves the
  invoice less the credit note;
* agreement with a supplementary invoice, or with no difference, or the claim withdrawn →
  **Approuvée** (205);
* closed without agreement → no new status: the invoice stays En litige until it is paid
  (Encaissée) or a party states otherwise;
* after Refusée nothing may follow (the standard's rule): only a credit note corrects it.

:func:`charte.payments.lifecycle.check_transition` still has the last word when the status is
recorded (:meth:`charte.payments.ledger.Ledger.record_status`).
"""

from __future__ import annotations

from collections.abc import Mapping

from charte.disputes.thread import REFUSED, Claim, Kind, Reason
from charte.payments.lifecycle import Status

#: The claim's reason → a reason code allowed for En litige (207) and for Refusée (210).
DISPUTE_REASON: Mapping[Reason, str] = {
    Reason.FORECAST_USED: "CALCUL_ERR", Reason.VOLUME_BAND: "CALCUL_ERR", Reason.INCIDENT_EXCLUSION: "CALCUL_ERR",
    Reason.FORMULA_OR_THRESHOLD: "CALCUL_ERR", Reason.BONUS_MALUS_CAP: "CALCUL_ERR", Reason.PRICE_OR_INDEX: "PU_ERR",
    Reason.MINIMUM_BILLING: "QTE_ERR", Reason.PAYMENT_TERM: "NON_CONFORME", Reason.OTHER: "AUTRE",
}
REFUSAL_REASON: Mapping[Reason, str] = {**DISPUTE_REASON, Reason.PRICE_OR_INDEX: "MONTANTTOTAL_ERR",
                                        Reason.MINIMUM_BILLING: "MONTANTTOTAL_ERR", Reason.OTHER: "MONTANTTOTAL_ERR"}
#: The claim's reason → a reason code allowed for Approuvée partiellement (206).
PARTIAL_REASON: Mapping[Reason, str] = {Reason.PRICE_OR_INDEX: "PU_ERR", Reason.MINIMUM_BILLING: "QTE_ERR",
                                        Reason.FORMULA_OR_THRESHOLD: "QUALITE_ERR"}


def on_contest(claim: Claim) -> tuple[Status, str]:
    """The status a contest sets, with its reason code."""
    if claim.invoice_status == REFUSED:
        return Status.REFUSEE, REFUSAL_REASON[claim.reason]
    return Status.EN_LITIGE, DISPUTE_REASON[claim.reason]


def on_end(claim: Claim, kind: Kind, document_kind: str | None) -> tuple[Status, str | None] | None:
    """The status the dispute's end sets (``None``: none); ``document_kind``: the correcting document's kind."""
    if claim.invoice_status == REFUSED or kind == Kind.CLOSING:
        return None
    if kind == Kind.RESOLUTION and document_kind == "credit_note":
        return Status.APPROUVEE_PARTIELLEMENT, PARTIAL_REASON.get(claim.reason, "AUTRE")
    return Status.APPROUVEE, None


__all__ = ["DISPUTE_REASON", "PARTIAL_REASON", "REFUSAL_REASON", "on_contest", "on_end"]
