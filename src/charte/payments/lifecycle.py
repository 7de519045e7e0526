"""An invoice's life after it is issued: the statuses of the e-invoicing reform (AFNOR XP Z12-012 v1.4, CDV).

Four statuses are mandatory: **Déposée** (200, the invoice was deposited on the seller's
platform), **Rejetée** (213, a platform refused it as non-compliant), **Refusée** (210, the
buyer refuses it) and **Encaissée** (212, the seller received payment: for services whose VAT
is due on receipt it carries the amount received and its VAT rate, which feed the VAT
return). The others charte records are optional: Prise en charge (204), Approuvée (205),
Approuvée partiellement (206), En litige (207), Suspendue (208), Paiement transmis (211).

charte derives each invoice's history from its own events — issuing gives Déposée, each
payment recorded gives Encaissée with the amount received — and records the others when a
party states them (the client refuses, disputes, approves or says it paid; the provider
reports a platform's rejection). A status that needs a reason (210, 213, 207, 206, 208)
carries a code from the standard's list for that status (BR-FR-CDV-15, BR-FR-CDV-CL-09).
:func:`check_transition` refuses what cannot follow: nothing after Rejetée or Refusée but a
credit note; no payment on a refused or rejected invoice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Final, Literal

from charte.domain.calendar import local_midnight

Role = Literal["platform", "buyer", "seller"]


class Status(Enum):
    """A lifecycle status: its CDV code (MDT-105), its French name, its English name, who states it."""

    DEPOSEE = ("200", "Déposée", "Deposited", "platform")
    PRISE_EN_CHARGE = ("204", "Prise en charge", "Taken over", "buyer")
    APPROUVEE = ("205", "Approuvée", "Approved", "buyer")
    APPROUVEE_PARTIELLEMENT = ("206", "Approuvée partiellement", "Partly approved", "buyer")
    EN_LITIGE = ("207", "En litige", "Disputed", "buyer")
    SUSPENDUE = ("208", "Suspendue", "Suspended", "buyer")
    REFUSEE = ("210", "Refusée", "Refused", "buyer")
    PAIEMENT_TRANSMIS = ("211", "Paiement transmis", "Payment sent", "buyer")
    ENCAISSEE = ("212", "Encaissée", "Cashed", "seller")
    REJETEE = ("213", "Rejetée", "Rejected", "platform")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def name_fr(self) -> str:
        return self.value[1]

    @property
    def name_en(self) -> str:
        return self.value[2]

    @property
    def role(self) -> Role:
        role: Role = self.value[3]
        return role

    @property
    def mandatory(self) -> bool:
        """One of the four statuses every platform must exchange."""
        return self.code in ("200", "210", "212", "213")

    @classmethod
    def parse(cls, text: str) -> Status:
        """A status by code (``210``), enum name (``refusee``) or French name (``Refusée``)."""
        wanted = text.strip().casefold()
        for status in cls:
            if wanted in (status.code, status.name.casefold(), status.name_fr.casefold()):
                return status
        known = ", ".join(f"{s.code} {s.name_fr}" for s in cls)
        raise LifecycleError("unknown_status", f"status {text!r} is not known; expected one of {known}")


#: Reasons (MDT-113) the standard allows for each status that needs one (BR-FR-CDV-CL-09), with their meaning.
REASONS: Final[dict[str, dict[str, str]]] = {
    "213": {"MONTANTTOTAL_ERR": "montant total erroné", "CALCUL_ERR": "erreur de calcul", "DOUBLON": "doublon",
            "DEST_INC": "destinataire inconnu", "ADR_ERR": "adresse erronée", "REJ_SEMAN": "rejet sémantique",
            "REJ_UNI": "rejet d'unicité", "REJ_COH": "rejet de cohérence", "REJ_ADR": "rejet d'adressage"},
    "210": {"TX_TVA_ERR": "taux de TVA erroné", "MONTANTTOTAL_ERR": "montant total erroné",
            "CALCUL_ERR": "erreur de calcul", "NON_CONFORME": "mention légale manquante", "DOUBLON": "doublon",
            "DEST_ERR": "destinataire erroné", "TRANSAC_INC": "transaction inconnue", "EMMET_INC": "émetteur inconnu",
            "CONTRAT_TERM": "contrat terminé", "DOUBLE_FACT": "double facturation", "CMD_ERR": "commande erronée",
            "ADR_ERR": "adresse erronée", "REF_CT_ABSENT": "référence contractuelle absente"},
    "207": {"AUTRE": "autre", "TX_TVA_ERR": "taux de TVA erroné", "MONTANTTOTAL_ERR": "montant total erroné",
            "CALCUL_ERR": "erreur de calcul", "NON_CONFORME": "mention légale manquante", "DOUBLON": "doublon",
            "CMD_ERR": "commande erronée", "REF_CT_ABSENT": "référence contractuelle absente",
            "PU_ERR": "prix unitaire erroné", "QTE_ERR": "quantité erronée", "QUALITE_ERR": "qualité non conforme",
            "LIVR_INCOMP": "prestation incomplète", "CONTRAT_TERM": "contrat terminé"},
    "206": {"AUTRE": "autre", "PU_ERR": "prix unitaire erroné", "QTE_ERR": "quantité erronée",
            "QUALITE_ERR": "qualité non conforme", "LIVR_INCOMP": "prestation incomplète",
            "REF_CT_ABSENT": "référence contractuelle absente"},
    "208": {"JUSTIF_ABS": "justificatif absent", "CMD_ERR": "commande erronée",
            "REF_CT_ABSENT": "référence contractuelle absente", "REF_ERR": "référence erronée"},
}
#: What may follow each status (``None``: the invoice was just issued). Rejetée and Refusée end the invoice's
#: life: a correction is a credit note.
_AFTER: Final[dict[str | None, frozenset[str]]] = {
    None: frozenset({"200"}),
    "200": frozenset({"204", "205", "206", "207", "208", "210", "211", "212", "213"}),
    "204": frozenset({"205", "206", "207", "208", "210", "211", "212"}),
    "205": frozenset({"207", "211", "212"}),
    "206": frozenset({"207", "211", "212"}),
    "207": frozenset({"205", "206", "208", "210", "211", "212"}),
    "208": frozenset({"205", "206", "207", "210", "211", "212"}),
    "211": frozenset({"207", "211", "212"}),
    "212": frozenset({"207", "211", "212"}),
    "210": frozenset(),
    "213": frozenset(),
}


class LifecycleError(ValueError):
    """A status that cannot be recorded: stable ``code`` and what was expected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StatusEvent:
    """One status of one document, when, stated by whom, why, and (Encaissée) the amount received."""

    invoice: str
    status: Status
    at: datetime
    reason_code: str | None = None
    reason: str = ""
    amount: Decimal | None = None
    vat_rate: Decimal | None = None
    source: str = "recorded"     # "issued", "payment" (derived from the ledger) or "recorded" (stated)

    @property
    def role(self) -> Role:
        return self.status.role

    @property
    def reason_meaning(self) -> str:
        """What the reason code means, in French (the standard's wording)."""
        return REASONS.get(self.status.code, {}).get(self.reason_code or "", "")

    def reason_words(self) -> str:
        """The reason in French: its code's meaning, then the free text."""
        return " — ".join(part for part in (self.reason_meaning, self.reason) if part)


def check_transition(history: Sequence[StatusEvent], event: StatusEvent) -> None:
    """Refuse (:class:`LifecycleError`) ``event`` when it cannot follow ``history`` (rules in the docstring)."""
    code = event.status.code
    allowed = REASONS.get(code)
    if allowed is not None:
        if event.reason_code is None:
            raise LifecycleError("status_reason_missing", f"status {code} {event.status.name_fr} needs a reason; "
                                                          f"expected one of {', '.join(allowed)}")
        if event.reason_code not in allowed:
            raise LifecycleError("status_reason_not_allowed",
                                 f"reason {event.reason_code!r} is not allowed for status {code} "
                                 f"{event.status.name_fr}; expected one of {', '.join(allowed)}")
    if event.status is Status.ENCAISSEE and (event.amount is None or event.amount <= 0 or event.vat_rate is None):
        raise LifecycleError("cashed_without_amount", "status 212 Encaissée carries the amount received (above 0) "
                                                      "and its VAT rate")
    last = history[-1].status.code if history else None
    if code not in _AFTER[last]:
        after = f"after {last} {history[-1].status.name_fr}" if history else "before the invoice is deposited"
        expected = ", ".join(sorted(_AFTER[last])) or "nothing (issue a credit note to correct the invoice)"
        raise LifecycleError("status_out_of_order", f"status {code} {event.status.name_fr} cannot come {after}; "
                                                    f"expected {expected}")
    if history and event.at < history[-1].at:
        raise LifecycleError("status_before_previous", f"status {code} dated {event.at.isoformat()} is before the "
                                                       f"previous status of {history[-1].at.isoformat()}")


def history(events: Iterable[StatusEvent]) -> tuple[StatusEvent, ...]:
    """Events in time order (stable: same-time events keep the order they were recorded in)."""
    return tuple(sorted(events, key=lambda e: e.at))


def check_history(events: Iterable[StatusEvent]) -> tuple[StatusEvent, ...]:
    """``events`` in time order, each checked against the ones before it (:func:`check_transition`)."""
    ordered = history(events)
    for position, event in enumerate(ordered):
        check_transition(ordered[:position], event)
    return ordered


def derived_and_recorded(number: str, kind: str, issued_on: date, vat_rate: Decimal,
                         payments: Iterable[tuple[date, Decimal]],
                         recorded: Iterable[StatusEvent]) -> tuple[StatusEvent, ...]:
    """A document's history: Déposée when it was issued, Encaissée for each payment received (an invoice's), and
    the statuses the parties recorded, in time order."""
    events = [StatusEvent(number, Status.DEPOSEE, local_midnight(issued_on), source="issued")]
    if kind == "invoice":
        events += [StatusEvent(number, Status.ENCAISSEE, local_midnight(on), amount=amount, vat_rate=vat_rate,
                               source="payment") for on, amount in payments]
    return history([*events, *recorded])


def current(events: Sequence[StatusEvent]) -> StatusEvent | None:
    return events[-1] if events else None
