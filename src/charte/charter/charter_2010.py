"""The 2010 charter's items (charte de bonnes pratiques du 9 novembre 2010).

Findings:

- ``certifications`` — quality certifications held (NF 345, ISO 18295, Label Responsabilité
  Sociale…); an expired one fails, one expiring within :data:`EXPIRY_WARN_DAYS` days or none at all
  warns (the contract's ``certification_expired`` rule is reused);
- ``staff_in_france`` — the share of the contract's staff located in France (the clause, else the
  sites' ``contract_staff``) against the providers' 50% of the time (law table
  ``practice.staff_in_france_provider``, press accounts, not charter text);
- ``ivr`` — observed median seconds before a person and share of calls reaching one, against the
  contract's IVR policy (``max_seconds_before_agent``; :data:`REACH_PASS` setting);
- ``ivr_policy`` — the contract's IVR policy as written: an agent always reachable
  (``agent_always_reachable``: ``fail`` when the contract says otherwise) and a bounded menu depth
  (``max_menu_levels``: ``warn`` when the policy states none);
- ``outbound_dialer`` — no automated prospecting dialer: the contract's policy (rule
  ``automated_dialer``) and the observed dial modes of outbound attempts;
- ``dialing_policy`` — the outbound policy against the telephone-selling law: Bloctel screening
  (L223-1), prior consent from 11 August 2026 (loi 2025-594), calling hours within Monday–Friday
  10:00–13:00 and 14:00–20:00, no public holiday (D223-8): each breach ``fail``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2010, Finding, Verdict, finding, pct
from charte.domain.opening_hours import OpeningHours
from charte.domain.records import DialMode
from charte.telesales.rules import CALLING_WEEKDAYS, CALLING_WINDOWS, LOI_2025_594

EXPIRY_WARN_DAYS: Final = 90
REACH_PASS: Final = Decimal("0.95")
AUTOMATED: Final = frozenset({DialMode.PREDICTIVE.value, DialMode.AUTOMATED_MESSAGE.value})
REF: Final = CHARTER_2010


def findings(ev: Evidence) -> list[Finding]:
    return [_certifications(ev), _staff(ev), _ivr(ev), _ivr_policy(ev), _dialer(ev), _dialing_policy(ev)]


def _ivr_policy(ev: Evidence) -> Finding:
    charter = ev.contract.charter_2010
    ivr = charter.ivr if charter else None
    if ivr is None:
        return finding("2010", "ivr_policy", "warn", "Aucune politique de SVI au contrat.",
                       "No IVR policy in the contract.", REF)
    depth_fr = f"{ivr.max_menu_levels} niveau(x) de menu au plus" if ivr.max_menu_levels is not None else \
        "profondeur de menu non bornée"
    depth_en = f"at most {ivr.max_menu_levels} menu level(s)" if ivr.max_menu_levels is not None else \
        "menu depth not bounded"
    if not ivr.agent_always_reachable:
        return finding("2010", "ivr_policy", "fail",
                       f"Le contrat n'assure pas qu'un conseiller soit toujours joignable ({depth_fr}).",
                       f"The contract does not ensure an agent is always reachable ({depth_en}).", REF,
                       agent_always_reachable=False, max_menu_levels=ivr.max_menu_levels)
    verdict: Verdict = "pass" if ivr.max_menu_levels is not None else "warn"
    return finding("2010", "ivr_policy", verdict, f"Conseiller toujours joignable ; {depth_fr}.",
                   f"Agent always reachable; {depth_en}.", REF, agent_always_reachable=True,
                   max_menu_levels=ivr.max_menu_levels)


def _outside_legal_hours(calling_hours: str) -> list[str]:
    """Weekly spans of ``calling_hours`` outside D223-8's Monday–Friday 10:00–13:00 and 14:00–20:00, no holiday."""
    hours = OpeningHours.parse(calling_hours)
    legal = [(w.hour * 60 + w.minute, u.hour * 60 + u.minute) for w, u in CALLING_WINDOWS]
    days = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    out = [f"{days[d]} {a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
           for d, spans in enumerate(hours.weekly) for a, b in spans
           if d + 1 not in CALLING_WEEKDAYS or not any(lo <= a and b <= hi for lo, hi in legal)]
    if hours.holidays is None or hours.holidays:
        out.append("PH")
    return out


def _dialing_policy(ev: Evidence) -> Finding:
    charter = ev.contract.charter_2010
    dialing = charter.outbound_dialing if charter else None
    ref = f"{REF} ; Code de la consommation L223-1, D223-8 ; loi 2025-594"
    if dialing is None:
        return finding("2010", "dialing_policy", "not_enough_data", "Aucune politique d'appels sortants au contrat.",
                       "No outbound calling policy in the contract.", ref)
    breaches_fr, breaches_en = [], []
    if not dialing.bloctel_screening:
        breaches_fr.append("pas de filtrage Bloctel (L223-1)")
        breaches_en.append("no Bloctel screening (L223-1)")
    if not dialing.prior_consent and ev.today >= LOI_2025_594:
        breaches_fr.append("pas de consentement préalable, exigé depuis le 11 août 2026 (loi 2025-594)")
        breaches_en.append("no prior consent, required since 11 August 2026 (loi 2025-594)")
    outside = _outside_legal_hours(dialing.calling_hours)
    if outside:
        breaches_fr.append(f"plages d'appel hors des heures légales : {', '.join(outside)} (D223-8)")
        breaches_en.append(f"calling hours outside the legal ones: {', '.join(outside)} (D223-8)")
    if breaches_fr:
        return finding("2010", "dialing_policy", "fail", "Politique d'appels sortants : " + " ; ".join(breaches_fr)
                       + ".", "Outbound calling policy: " + "; ".join(breaches_en) + ".", ref,
                       bloctel_screening=dialing.bloctel_screening, prior_consent=dialing.prior_consent,
                       calling_hours=dialing.calling_hours, outside_legal_hours=outside)
    return finding("2010", "dialing_policy", "pass",
                   f"Filtrage Bloctel, consentement préalable, appels {dialing.calling_hours}.",
                   f"Bloctel screening, prior consent, calls {dialing.calling_hours}.", ref,
                   bloctel_screening=True, prior_consent=dialing.prior_consent, calling_hours=dialing.calling_hours)


def _certifications(ev: Evidence) -> Finding:
    charter = ev.contract.charter_2010
    held = charter.certifications if charter else ()
    if not held:
        return finding("2010", "certifications", "warn", "Aucune certification qualité déclarée.",
                       "No quality certification stated.", REF)
    expired = [p.message for p in ev.contract_problems("certification_expired")]
    soon = [f"{h.name.value} ({h.until})" for h in held
            if ev.today <= h.until <= ev.today + timedelta(days=EXPIRY_WARN_DAYS)]
    verdict: Verdict = "fail" if expired else "warn" if soon else "pass"
    listing = ", ".join(f"{h.name.value} → {h.until}" for h in held)
    return finding("2010", "certifications", verdict,
                   f"Certifications : {listing}" + (" ; expirée(s)." if expired else
                                                    " ; expiration proche." if soon else "."),
                   f"Certifications: {listing}" + ("; expired." if expired else "; expiring soon." if soon else "."),
                   REF, held={h.name.value: h.until.isoformat() for h in held}, expired=expired, expiring_soon=soon)


def _staff(ev: Evidence) -> Finding:
    charter = ev.contract.charter_2010
    share = charter.staff_in_france if charter else None
    source = "charter_2010.staff_in_france"
    sites = [s for s in ev.contract.provider.sites if s.contract_staff is not None]
    if share is None and sites:
        total = sum(s.contract_staff or 0 for s in sites)
        if total:
            share = Decimal(sum(s.contract_staff or 0 for s in sites if s.country == "FR")) / total
            source = "provider.sites[].contract_staff"
    if share is None:
        return finding("2010", "staff_in_france", "not_enough_data",
                       "Part du personnel en France inconnue.", "Share of staff in France unknown.", REF)
    practice = ev.contract.law("practice.staff_in_france_provider", ev.today)
    verdict: Verdict = "pass" if share >= practice.value else "warn"
    return finding("2010", "staff_in_france", verdict,
                   f"{pct(share)} du personnel du contrat en France (repère : {pct(practice.value, 0)}).",
                   f"{pct(share, lang='en')} of the contract's staff in France (benchmark: "
                   f"{pct(practice.value, 0, lang='en')}).", REF,
                   share=share.quantize(Decimal("0.0001")), source=source, benchmark=practice.value,
                   benchmark_source=practice.source)


def _ivr(ev: Evidence) -> Finding:
    if ev.ivr is None or ev.ivr.calls == 0:
        return finding("2010", "ivr", "not_enough_data", "Aucune mesure du SVI fournie.",
                       "No IVR measurement given.", REF)
    charter = ev.contract.charter_2010
    limit = charter.ivr.max_seconds_before_agent if charter and charter.ivr else None
    slow = limit is not None and ev.ivr.median_seconds_before_agent > limit
    unreachable = ev.ivr.share_reaching_agent < REACH_PASS
    verdict: Verdict = "warn" if slow or unreachable else "pass"
    return finding("2010", "ivr", verdict,
                   f"SVI : médiane {ev.ivr.median_seconds_before_agent} s avant un conseiller"
                   + (f" (limite {limit} s)" if limit is not None else "")
                   + f", {pct(ev.ivr.share_reaching_agent)} des appels atteignent une personne.",
                   f"IVR: median {ev.ivr.median_seconds_before_agent} s before a person"
                   + (f" (limit {limit} s)" if limit is not None else "")
                   + f", {pct(ev.ivr.share_reaching_agent, lang='en')} of calls reach a person.", REF,
                   median_seconds=ev.ivr.median_seconds_before_agent, limit_seconds=limit,
                   share_reaching_agent=ev.ivr.share_reaching_agent, calls=ev.ivr.calls, reach_pass_from=REACH_PASS)


def _dialer(ev: Evidence) -> Finding:
    policy = ev.contract_problems("automated_dialer")
    observed = {k: v for k, v in (ev.dial_modes or {}).items() if v}
    automated = {k: v for k, v in observed.items() if k in AUTOMATED}
    if policy or automated:
        total = sum(observed.values())
        return finding("2010", "outbound_dialer", "fail",
                       "Numérotation automatique de prospection : " + "; ".join(
                           [p.message for p in policy] + [f"{v} appels sur {total} en mode {k}"
                                                          for k, v in automated.items()]),
                       "Automated prospecting dialer: " + "; ".join(
                           [p.message for p in policy] + [f"{v} of {total} calls in {k} mode"
                                                          for k, v in automated.items()]), REF,
                       observed=observed)
    charter = ev.contract.charter_2010
    dials = charter is not None and charter.outbound_dialing is not None
    if not dials and not observed:
        return finding("2010", "outbound_dialer", "pass", "Aucune activité d'appels sortants.",
                       "No outbound calling activity.", REF)
    return finding("2010", "outbound_dialer", "pass", "Aucun automate d'appel de prospection.",
                   "No automated prospecting dialer.", REF, observed=observed)
