"""A dispute and its thread: who may post which step, when, and where the dispute stands.

A dispute starts when the **client** (a manager of the client organisation) contests an issued
invoice — the whole invoice, one line, or a service commitment's verdict — with a reason taken
from the charter's axes (:class:`Reason`), free text, and the amount it disputes (including VAT).
From then on the thread is a sequence of immutable, timestamped steps (:class:`Entry`), each
chained to the previous one by its SHA-256 (:func:`entry_digest`), so an edited or deleted
step is detected:

==================  ==============================================  =========================
step                what it is                                      who may post it
==================  ==============================================  =========================
``contest``         the claim (first step only)                     the client's manager
``message``         free text, attachments                          a party's manager, the
                                                                    invited mediator
``whatif``          a what-if proposed (:mod:`~.whatif`)            same
``accept``          agreement with one what-if                      a party's manager
``reject``          refusal of a what-if or of the claim, with      a party's manager
                    its reasons
``invite_mediator`` a mediator brought in (once)                    a party's manager
``recommendation``  the mediator's recommendation (may name a       the invited mediator
                    what-if)
``resolution``      the correcting document issued on the agreed    recorded for the provider
                    what-if (credit note or supplementary invoice)
``withdrawal``      the client withdraws its claim                  the client's manager
``closing``         closed without agreement, with its reasons      a party's manager
==================  ==============================================  =========================

A what-if is **agreed** when both parties have accepted it (each party's last answer on it is
``accept``); the correcting document then follows. ``resolution``, ``withdrawal`` and
``closing`` end the dispute: nothing may be posted after them. A reader (membership role
``reader``) never posts.

The invoice's status follows the dispute (French e-invoicing lifecycle statuses, décret
2022-1299): **En litige** while it is open, **Refusée** when the client contests the whole
invoice for its whole amount, back to its previous status when the dispute ends.

Deadlines: each step that calls for an answer (a contest, a what-if, a recommendation) is due
within the contract's answer period (:class:`~charte.domain.contract.DisputeTerms`, 15 days by
default), counted in Paris dates; any later step by the party that owes the answer answers it.
A contest must be opened within the contract's dispute window, if it states one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from charte.domain.calendar import PARIS
from charte.domain.contract import DisputeTerms
from charte.settle import Problem

MAX_TEXT = 10_000


class Scope(StrEnum):
    INVOICE = "invoice"
    LINE = "line"
    VERDICT = "verdict"


class Reason(StrEnum):
    """Why the client contests, mirroring the axes of the SP2C charter (2019)."""

    FORECAST_USED = "forecast_used"
    VOLUME_BAND = "volume_band"
    INCIDENT_EXCLUSION = "incident_exclusion"
    FORMULA_OR_THRESHOLD = "formula_or_threshold"
    PRICE_OR_INDEX = "price_or_index"
    MINIMUM_BILLING = "minimum_billing"
    BONUS_MALUS_CAP = "bonus_malus_cap"
    PAYMENT_TERM = "payment_term"
    OTHER = "other"


#: The charter axis each reason belongs to.
REASON_AXIS: Mapping[Reason, str] = {
    Reason.FORECAST_USED: "1", Reason.VOLUME_BAND: "1", Reason.MINIMUM_BILLING: "1",
    Reason.FORMULA_OR_THRESHOLD: "2", Reason.INCIDENT_EXCLUSION: "3", Reason.BONUS_MALUS_CAP: "3, 8",
    Reason.PRICE_OR_INDEX: "4, 5", Reason.PAYMENT_TERM: "6", Reason.OTHER: "—",
}


class Kind(StrEnum):
    CONTEST = "contest"
    MESSAGE = "message"
    WHATIF = "whatif"
    ACCEPT = "accept"
    REJECT = "reject"
    INVITE_MEDIATOR = "invite_mediator"
    RECOMMENDATION = "recommendation"
    RESOLUTION = "resolution"
    WITHDRAWAL = "withdrawal"
    CLOSING = "closing"


class Status(StrEnum):
    OPEN = "open"
    IN_MEDIATION = "in_mediation"
    AGREED = "agreed"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


ENDS: Mapping[Kind, Status] = {Kind.RESOLUTION: Status.RESOLVED, Kind.WITHDRAWAL: Status.WITHDRAWN,
                               Kind.CLOSING: Status.CLOSED}
PARTIES = ("client", "provider")

#: Invoice lifecycle statuses a dispute sets (French e-invoicing: "En litige", "Refusée").
IN_DISPUTE = "in_dispute"
REFUSED = "refused"


@dataclass(frozen=True)
class Actor:
    """Who posts: the standing for this contract (client, provider, mediator) and whether they may act."""

    standing: str
    manager: bool
    name: str = ""


@dataclass(frozen=True)
class Claim:
    """What the client contests (the ``contest`` step's content)."""

    invoice: str
    invoice_date: date
    invoice_total: Decimal        # including VAT
    scope: Scope
    reason: Reason
    disputed_amount: Decimal      # including VAT
    text: str = ""
    line: int | None = None
    commitment: str | None = None

    @property
    def invoice_status(self) -> str:
        """Refusée when the whole invoice is contested for its whole amount, else En litige."""
        whole = self.scope == Scope.INVOICE and self.disputed_amount == self.invoice_total
        return REFUSED if whole else IN_DISPUTE


@dataclass(frozen=True)
class Entry:
    """One step of the thread (see the module docstring); ``sha256`` chains it to the previous step."""

    seq: int
    kind: Kind
    at: datetime
    standing: str
    author: str = ""
    text: str = ""
    whatif: str | None = None
    document: str | None = None
    attachments: tuple[str, ...] = ()
    previous_sha256: str = ""
    sha256: str = ""

    @property
    def day(self) -> date:
        """The Paris date the step was posted on."""
        return self.at.astimezone(PARIS).date()

    def content(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": str(self.kind), "at": self.at.isoformat(), "standing": self.standing,
                "author": self.author, "text": self.text, "whatif": self.whatif, "document": self.document,
                "attachments": list(self.attachments), "previous_sha256": self.previous_sha256}


def entry_digest(entry: Entry) -> str:
    """SHA-256 of the step's content, which includes the previous step's digest."""
    text = json.dumps(entry.content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain(entries: Sequence[Entry], new: Entry) -> Entry:
    """``new`` numbered after ``entries`` and sealed with its digest."""
    previous = entries[-1].sha256 if entries else ""
    sealed = replace(new, seq=len(entries) + 1, previous_sha256=previous, sha256="")
    return replace(sealed, sha256=entry_digest(sealed))


def broken_links(entries: Sequence[Entry]) -> list[int]:
    """The sequence numbers of steps whose digest or link does not match (an edit or a deletion)."""
    bad = []
    previous = ""
    for position, entry in enumerate(entries, start=1):
        if entry.seq != position or entry.previous_sha256 != previous or entry.sha256 != entry_digest(entry):
            bad.append(entry.seq)
        previous = entry.sha256
    return bad


@dataclass(frozen=True)
class State:
    """Where a dispute stands after its steps."""

    status: Status
    mediator: bool
    proposed: tuple[str, ...]                       # what-if ids, in order
    answers: Mapping[str, Mapping[str, Kind]]       # what-if id → party → last answer
    agreed: str | None
    recommended: str | None
    document: str | None
    last_by: Mapping[str, int] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.status in (Status.RESOLVED, Status.WITHDRAWN, Status.CLOSED)


def state(entries: Iterable[Entry]) -> State:
    """Fold the steps into the dispute's state (module docstring)."""
    status, mediator, proposed = Status.OPEN, False, []
    answers: dict[str, dict[str, Kind]] = {}
    agreed = recommended = document = None
    last_by: dict[str, int] = {}
    for e in entries:
        last_by[e.standing] = e.seq
        if e.kind == Kind.WHATIF and e.whatif:
            proposed.append(e.whatif)
        elif e.kind in (Kind.ACCEPT, Kind.REJECT) and e.whatif:
            answers.setdefault(e.whatif, {})[e.standing] = e.kind
            if all(answers[e.whatif].get(p) == Kind.ACCEPT for p in PARTIES):
                agreed, status = e.whatif, Status.AGREED
            elif agreed == e.whatif:
                agreed, status = None, (Status.IN_MEDIATION if mediator else Status.OPEN)
        elif e.kind == Kind.INVITE_MEDIATOR:
            mediator = True
            status = Status.IN_MEDIATION if status == Status.OPEN else status
        elif e.kind == Kind.RECOMMENDATION:
            recommended = e.whatif
        elif e.kind in ENDS:
            status = ENDS[e.kind]
            document = e.document if e.kind == Kind.RESOLUTION else document
    return State(status, mediator, tuple(proposed), answers, agreed, recommended, document, last_by)


def _refuse(code: str, message: str) -> list[Problem]:
    return [Problem(code, "dispute", message)]


def check_step(current: State, actor: Actor, kind: Kind, *, text: str = "", whatif: str | None = None,
               acceptable: Iterable[str] = ()) -> list[Problem]:
    """Whether ``actor`` may post ``kind`` now; the problems say why not (empty: allowed).

    ``acceptable``: the what-ifs of this dispute that settled (only those can be accepted).
    """
    if not actor.manager:
        return _refuse("read_only", "a reader reads the dispute; only a manager posts a step")
    if current.ended:
        return _refuse("dispute_ended", f"the dispute is {current.status}; nothing more can be posted")
    party = actor.standing in PARTIES
    mediator = actor.standing == "mediator" and current.mediator
    problems: list[Problem] = []
    if kind in (Kind.MESSAGE, Kind.WHATIF) and not (party or mediator):
        problems += _refuse("not_a_participant", "only the parties and the invited mediator post here")
    elif kind in (Kind.ACCEPT, Kind.REJECT, Kind.INVITE_MEDIATOR, Kind.CLOSING) and not party:
        problems += _refuse("parties_only", f"only the client or the provider may {kind} here")
    elif kind == Kind.RECOMMENDATION and not mediator:
        problems += _refuse("mediator_only", "only the mediator invited to this dispute recommends")
    elif kind == Kind.WITHDRAWAL and actor.standing != "client":
        problems += _refuse("client_only", "only the client withdraws its claim")
    elif kind in (Kind.CONTEST, Kind.RESOLUTION):
        problems += _refuse("not_a_step", f"`{kind}` is not posted by hand")
    if problems:
        return problems
    if kind in (Kind.ACCEPT, Kind.RECOMMENDATION) and whatif is not None and whatif not in current.proposed:
        problems += _refuse("unknown_whatif", f"what-if {whatif} was not proposed in this dispute")
    if kind == Kind.ACCEPT:
        if whatif is None:
            problems += _refuse("whatif_needed", "an agreement is on a what-if: name the what-if accepted")
        elif whatif not in set(acceptable):
            problems += _refuse("whatif_not_settled", f"what-if {whatif} could not be settled; it cannot be agreed")
    if kind == Kind.REJECT and whatif is not None and whatif not in current.proposed:
        problems += _refuse("unknown_whatif", f"what-if {whatif} was not proposed in this dispute")
    if kind in (Kind.REJECT, Kind.CLOSING, Kind.RECOMMENDATION, Kind.MESSAGE) and not text.strip():
        problems += _refuse("text_needed", f"a {kind} states its reasons in words")
    if kind == Kind.INVITE_MEDIATOR and current.mediator:
        problems += _refuse("mediator_already_invited", "a mediator is already invited to this dispute")
    if len(text) > MAX_TEXT:
        problems += _refuse("text_too_long", f"{len(text)} characters; at most {MAX_TEXT}")
    return problems


def check_claim(claim: Claim, terms: DisputeTerms, today: date, *, lines: Iterable[int] = (),
                commitments: Iterable[str] = (), already_disputed: Decimal = Decimal(0)) -> list[Problem]:
    """Problems with a contest: scope, amount, window (every problem at once, each at its field)."""
    problems = []
    if claim.scope == Scope.LINE and claim.line not in set(lines):
        problems.append(Problem("unknown_line", "line", f"invoice {claim.invoice} has no line {claim.line}"))
    if claim.scope == Scope.VERDICT and claim.commitment not in set(commitments):
        problems.append(Problem("unknown_commitment", "commitment",
                                f"no service commitment `{claim.commitment}` was judged on invoice {claim.invoice}"))
    room = claim.invoice_total - already_disputed
    if claim.disputed_amount <= 0:
        problems.append(Problem("disputed_amount_not_positive", "disputed_amount",
                                f"{claim.disputed_amount} EUR; expected the amount contested, above 0"))
    elif claim.disputed_amount > room:
        problems.append(Problem("disputed_amount_exceeds_invoice", "disputed_amount",
                                f"{claim.disputed_amount} EUR contested exceeds the {room} EUR of invoice "
                                f"{claim.invoice} not already contested, by {claim.disputed_amount - room} EUR"))
    if claim.disputed_amount != claim.disputed_amount.quantize(Decimal("0.01")):
        problems.append(Problem("disputed_amount_not_cents", "disputed_amount",
                                f"{claim.disputed_amount} EUR has fractions of a cent"))
    if claim.reason == Reason.OTHER and not claim.text.strip():
        problems.append(Problem("text_needed", "text", "reason `other`: say in words what is contested"))
    if len(claim.text) > MAX_TEXT:
        problems.append(Problem("text_too_long", "text", f"{len(claim.text)} characters; at most {MAX_TEXT}"))
    closes = terms.window_closes(claim.invoice_date)
    if closes is not None and today > closes:
        problems.append(Problem("dispute_window_closed", "invoice",
                                f"invoice {claim.invoice} of {claim.invoice_date.isoformat()} could be contested "
                                f"until {closes.isoformat()} (contract: {terms.window}); today is {today.isoformat()}, "
                                f"{(today - closes).days} days later"))
    return problems


@dataclass(frozen=True)
class Pending:
    """An answer a party owes: to which step, since when, due when."""

    party: str
    step: int
    kind: Kind
    since: date
    due: date

    def overdue(self, today: date) -> bool:
        return today > self.due

    def days_late(self, today: date) -> int:
        return max((today - self.due).days, 0)


def pending_answers(entries: Sequence[Entry], terms: DisputeTerms) -> list[Pending]:
    """The answers each party owes now (module docstring: deadlines)."""
    if state(entries).ended:
        return []
    owed: dict[str, Entry] = {}
    for e in entries:
        if e.standing in PARTIES:
            owed.pop(e.standing, None)
        if e.kind in (Kind.CONTEST, Kind.WHATIF, Kind.RECOMMENDATION):
            for party in PARTIES:
                if party != e.standing:
                    owed.setdefault(party, e)
    return [Pending(party, e.seq, e.kind, e.day, terms.answer_due(e.day)) for party, e in sorted(owed.items())]


def recipients(entry: Entry, mediator_invited: bool) -> tuple[str, ...]:
    """Who is told of a step: every participant but its author (the mediator once invited)."""
    everyone = [*PARTIES, "mediator"] if mediator_invited or entry.kind == Kind.INVITE_MEDIATOR else list(PARTIES)
    return tuple(s for s in everyone if s != entry.standing)


__all__ = [
    "ENDS", "IN_DISPUTE", "MAX_TEXT", "PARTIES", "REASON_AXIS", "REFUSED", "Actor", "Claim", "Entry", "Kind",
    "Pending", "Reason", "Scope", "State", "Status", "broken_links", "chain", "check_claim", "check_step",
    "entry_digest", "pending_answers", "recipients", "state",
]
