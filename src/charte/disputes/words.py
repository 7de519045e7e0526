"""A dispute in words, French or English: reasons, steps, statuses and each what-if change.

Like :mod:`charte.settle.explain`, the library says what its values mean, in both languages, so
the web pages, the CLI and the demo report print the same words; renderers never rephrase.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from charte.disputes.changes import (
    Change,
    CorrectedIntervalReport,
    EvaluationMode,
    ExcludeIncident,
    IncludeIncident,
    IndexValueChange,
    UseForecastVersion,
    VolumeBandChange,
)
from charte.disputes.thread import IN_DISPUTE, REFUSED, Kind, Reason, Scope, Status
from charte.domain.calendar import PARIS

Language = Literal["fr", "en"]

REASONS: dict[Language, dict[str, str]] = {
    "fr": {
        Reason.FORECAST_USED: "prévision retenue", Reason.VOLUME_BAND: "bande de volume",
        Reason.INCIDENT_EXCLUSION: "exclusion d'incident", Reason.FORMULA_OR_THRESHOLD: "formule ou seuil",
        Reason.PRICE_OR_INDEX: "prix ou indice", Reason.MINIMUM_BILLING: "minimum de facturation",
        Reason.BONUS_MALUS_CAP: "plafond de bonus/malus", Reason.PAYMENT_TERM: "délai de paiement",
        Reason.OTHER: "autre",
    },
    "en": {
        Reason.FORECAST_USED: "forecast used", Reason.VOLUME_BAND: "volume band",
        Reason.INCIDENT_EXCLUSION: "incident exclusion", Reason.FORMULA_OR_THRESHOLD: "formula or threshold",
        Reason.PRICE_OR_INDEX: "price or index", Reason.MINIMUM_BILLING: "minimum billing",
        Reason.BONUS_MALUS_CAP: "bonus/malus cap", Reason.PAYMENT_TERM: "payment term", Reason.OTHER: "other",
    },
}
KINDS: dict[Language, dict[str, str]] = {
    "fr": {Kind.CONTEST: "contestation", Kind.MESSAGE: "message", Kind.WHATIF: "simulation proposée",
           Kind.ACCEPT: "accord", Kind.REJECT: "refus", Kind.INVITE_MEDIATOR: "médiateur invité",
           Kind.RECOMMENDATION: "recommandation du médiateur", Kind.RESOLUTION: "document correctif émis",
           Kind.WITHDRAWAL: "contestation retirée", Kind.CLOSING: "clos sans accord"},
    "en": {Kind.CONTEST: "contest", Kind.MESSAGE: "message", Kind.WHATIF: "what-if proposed",
           Kind.ACCEPT: "agreement", Kind.REJECT: "rejection", Kind.INVITE_MEDIATOR: "mediator invited",
           Kind.RECOMMENDATION: "mediator's recommendation", Kind.RESOLUTION: "correcting document issued",
           Kind.WITHDRAWAL: "claim withdrawn", Kind.CLOSING: "closed without agreement"},
}
STATUSES: dict[Language, dict[str, str]] = {
    "fr": {Status.OPEN: "ouvert", Status.IN_MEDIATION: "en médiation", Status.AGREED: "accord trouvé",
           Status.RESOLVED: "résolu", Status.WITHDRAWN: "retiré", Status.CLOSED: "clos sans accord",
           IN_DISPUTE: "En litige", REFUSED: "Refusée", "issued": "Émise"},
    "en": {Status.OPEN: "open", Status.IN_MEDIATION: "in mediation", Status.AGREED: "agreed",
           Status.RESOLVED: "resolved", Status.WITHDRAWN: "withdrawn", Status.CLOSED: "closed without agreement",
           IN_DISPUTE: "In dispute (En litige)", REFUSED: "Refused (Refusée)", "issued": "Issued"},
}
SCOPES: dict[Language, dict[str, str]] = {
    "fr": {Scope.INVOICE: "toute la facture", Scope.LINE: "ligne {line}", Scope.VERDICT: "verdict {commitment}"},
    "en": {Scope.INVOICE: "the whole invoice", Scope.LINE: "line {line}", Scope.VERDICT: "verdict {commitment}"},
}
STANDINGS: dict[Language, dict[str, str]] = {
    "fr": {"client": "client", "provider": "prestataire", "mediator": "médiateur"},
    "en": {"client": "client", "provider": "provider", "mediator": "mediator"},
}
EVALUATIONS: dict[Language, dict[str, str]] = {
    "fr": {"raw": "brute", "band_neutralised": "hors périodes sortant de la bande", "fair": "équitable"},
    "en": {"raw": "raw", "band_neutralised": "out-of-band periods set aside", "fair": "fair"},
}


def _pct(value: Decimal, lang: Language) -> str:
    text = f"{(value * 100).normalize():f}"
    return text.replace(".", ",") + "\u00a0%" if lang == "fr" else f"{text}%"


def _when(change: IncludeIncident, lang: Language) -> str:
    start, end = change.start.astimezone(PARIS), change.end.astimezone(PARIS)
    if lang == "fr":
        return f"du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M} (heure de Paris)"
    return f"from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} (Paris time)"


def describe(change: Change, lang: Language = "fr") -> str:
    """One change of a what-if in words."""
    fr = lang == "fr"
    match change:
        case ExcludeIncident():
            if fr:
                return f"incident {change.incident} retiré des faits : ses intervalles sont jugés tels que mesurés"
            return f"incident {change.incident} left out of the facts: its intervals are judged as measured"
        case IncludeIncident():
            side = STANDINGS[lang].get(change.side, change.side)
            return (f"incident « {change.kind} » ({side}) ajouté sur {change.activity} {_when(change, lang)}" if fr
                    else f"incident '{change.kind}' ({side}) added on {change.activity} {_when(change, lang)}")
        case UseForecastVersion():
            issued = change.issued_on
            day = f"{issued[8:10]}/{issued[5:7]}/{issued[:4]}{issued[10:].replace('T', ' ')}" if fr else issued
            if fr:
                return (f"prévision {change.horizon} de {change.activity} émise le {day} retenue sur les périodes "
                        "qu'elle couvre, comme si elle avait été émise dans les délais")
            return (f"{change.horizon} forecast of {change.activity} issued on {day} used on the periods it covers, "
                    "as if issued by their deadlines")
        case EvaluationMode():
            mode = EVALUATIONS[lang][str(change.evaluation)]
            return (f"engagement {change.commitment} évalué en mode {mode}" if fr
                    else f"commitment {change.commitment} judged {mode}")
        case VolumeBandChange():
            under, over = _pct(change.under, lang), _pct(change.over, lang)
            return (f"bande de tolérance −{under} / +{over} autour de la prévision" if fr
                    else f"tolerance band −{under} / +{over} around the forecast")
        case CorrectedIntervalReport():
            return (f"rapport d'intervalles corrigé de {change.activity} (version {change.version[:12]})" if fr
                    else f"corrected interval report of {change.activity} (version {change.version[:12]})")
        case IndexValueChange():
            return (f"indice {change.series} de {change.month} : {change.value}" if fr
                    else f"index {change.series} for {change.month}: {change.value}")
    raise AssertionError(change)


def scope_words(scope: str, lang: Language, line: int | None = None, commitment: str | None = None) -> str:
    return SCOPES[lang][scope].format(line=line, commitment=commitment)


__all__ = ["EVALUATIONS", "KINDS", "REASONS", "SCOPES", "STANDINGS", "STATUSES", "describe", "scope_words"]
