"""Legal and charter constants: one dated, sourced table.

Every figure that comes from the law or a charter lives here once, with the text it comes
from and the date it applies from, never as a number inside a rule. A contract may override
a constant (its ``law_overrides`` clause names the key); :func:`resolve` says which value
applies on a date and where it came from, so an explanation can cite it.

Figures not found in a public source are **not** here: they are contract settings with
documented defaults (see ``charte.domain.contract``).

Figures published periodically by someone else (the SMIC, indices, the ECB and legal rates) are
**reference series** (:mod:`charte.domain.reference`): dated, sourced, versioned, extendable by
the user. The keys of :data:`REFERENCE_KEYS` resolve through a reference book (the shipped one
unless a caller passes the user's), so a contract can still override them by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from charte.domain.reference import ReferenceBook, shipped_book


class UnknownConstantError(KeyError):
    """A constant key that the table does not hold."""


@dataclass(frozen=True, slots=True)
class LegalConstant:
    """One value of a legal or charter figure, in force from ``valid_from``."""

    key: str
    value: Decimal
    unit: str
    valid_from: date
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Resolved:
    """The value that applies, and why: the table's entry or the contract's override."""

    key: str
    value: Decimal
    unit: str
    source: str
    overridden: bool


# Each entry: key, value, unit, in force from, source. Later entries for the same key
# supersede earlier ones from their own date.
TABLE: Final[tuple[LegalConstant, ...]] = (
    LegalConstant("payment.default_days", Decimal(30), "days after the service", date(2009, 1, 1),
                  "Code de commerce L441-10 I, 1st paragraph (loi LME 2008-776)"),
    LegalConstant("payment.max_days_from_invoice", Decimal(60), "days from invoice date", date(2009, 1, 1),
                  "Code de commerce L441-10 I, 2nd paragraph"),
    LegalConstant("payment.max_days_end_of_month", Decimal(45), "days end of month", date(2009, 1, 1),
                  "Code de commerce L441-10 I, 2nd paragraph (if expressly stipulated)"),
    LegalConstant("payment.max_days_periodic_invoice", Decimal(45), "days from invoice date", date(2019, 4, 26),
                  "Code de commerce L441-10 I, 3rd paragraph (periodic invoices, CGI art. 289 I 3°)"),
    LegalConstant("late_interest.ecb_margin_points", Decimal(10), "percentage points over the ECB rate",
                  date(2009, 1, 1), "Code de commerce L441-10 II (ECB main refinancing rate + 10 points)"),
    LegalConstant("late_interest.min_legal_rate_multiple", Decimal(3), "× legal interest rate", date(2009, 1, 1),
                  "Code de commerce L441-10 II (contract rate not below 3 × the legal interest rate)"),
    LegalConstant("recovery_indemnity.eur", Decimal(40), "EUR per late invoice, no VAT", date(2013, 1, 1),
                  "Code de commerce D441-5 (décret 2012-1115)"),
    LegalConstant("notice.safe_harbour_months", Decimal(18), "months", date(2019, 4, 26),
                  "Code de commerce L442-1 II (ordonnance 2019-359): "
                  "no liability for short notice once 18 months were given"),
    LegalConstant("telesales.max_calls_per_30_days", Decimal(4), "calls to one consumer per 30 calendar days",
                  date(2023, 3, 1), "Code de la consommation D223-9 (décret 2022-1313 of 13 Oct 2022)"),
    LegalConstant("telesales.silence_days_after_refusal", Decimal(60), "calendar days without a call after a refusal",
                  date(2023, 3, 1), "Code de la consommation D223-9 (décret 2022-1313 of 13 Oct 2022)"),
    LegalConstant("vat.standard_rate", Decimal("0.206"), "fraction", date(1995, 8, 1),
                  "Code général des impôts art. 278 (standard VAT rate 20.6% from 1 August 1995, loi de finances "
                  "rectificative pour 1995 n° 95-885 du 4 août 1995)"),
    LegalConstant("vat.standard_rate", Decimal("0.196"), "fraction", date(2000, 4, 1),
                  "Code général des impôts art. 278 (standard VAT rate 19.6% from 1 April 2000 to 31 December 2013)"),
    LegalConstant("vat.standard_rate", Decimal("0.20"), "fraction", date(2014, 1, 1),
                  "Code général des impôts art. 278 (standard VAT rate 20%)"),
    # Employer contributions on a wage under the social-security ceiling, as a fraction of the gross wage,
    # from 1 January 2026 (the rates the single degressive general reduction is imputed on). charte models the
    # employer's cost with them from 2026 only; before, a contract states a flat rate (price_floor.employer_charges).
    LegalConstant("employer_rate.health", Decimal("0.13"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale D242-3: assurance maladie 13 %; the reduced 7 % rate is abolished "
                  "from 1 January 2026 (LFSS 2025 art. 18)"),
    LegalConstant("employer_rate.old_age_capped", Decimal("0.0855"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale D242-4: assurance vieillesse plafonnée, part patronale 8,55 %"),
    LegalConstant("employer_rate.old_age_uncapped", Decimal("0.0211"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale D242-4, décret n° 2025-1446 du 31 décembre 2025: assurance vieillesse "
                  "déplafonnée, part patronale 2,11 % (2,02 % in 2025)"),
    LegalConstant("employer_rate.family", Decimal("0.0525"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale D241-3-1: allocations familiales 5,25 %; the reduced 3,45 % rate is "
                  "abolished from 1 January 2026 (LFSS 2025 art. 18)"),
    LegalConstant("employer_rate.autonomy", Decimal("0.0030"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de l'action sociale et des familles L14-10-4: contribution solidarité autonomie 0,30 %"),
    LegalConstant("employer_rate.housing_under_50", Decimal("0.0010"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale L834-1: FNAL 0,10 % (employers of fewer than 50)"),
    LegalConstant("employer_rate.housing_50_plus", Decimal("0.0050"), "fraction of gross wage", date(2026, 1, 1),
                  "Code de la sécurité sociale L834-1: FNAL 0,50 % (employers of 50 or more)"),
    LegalConstant("employer_rate.unemployment", Decimal("0.0400"), "fraction of gross wage", date(2026, 1, 1),
                  "Convention d'assurance chômage du 15 novembre 2024: contribution patronale 4,00 % "
                  "(from 1 May 2025)"),
    LegalConstant("employer_rate.pension_t1", Decimal("0.0472"), "fraction of gross wage", date(2026, 1, 1),
                  "ANI Agirc-Arrco du 17 novembre 2017: retraite complémentaire tranche 1, part patronale 4,72 %"),
    LegalConstant("employer_rate.pension_ceg_t1", Decimal("0.0129"), "fraction of gross wage", date(2026, 1, 1),
                  "ANI Agirc-Arrco du 17 novembre 2017: contribution d'équilibre général tranche 1, part "
                  "patronale 1,29 %"),
    # Réduction générale dégressive unique (RGDU), from 1 January 2026: coefficient
    # Tmin + Tdelta × [½ × (3 × annual SMIC ÷ annual gross − 1)]^P, rounded to 4 decimals, at most
    # Tmin + Tdelta, nil from 3 SMIC. Tdelta is the sum of the contribution rates the reduction covers
    # (7 + 8.55 + 2.11 + 3.45 + 0.49 AT-MP + 0.30 + 4.72 + 1.29 + 4.00 + FNAL) plus 5.80 points for the
    # abolished reduced health and family rates.
    LegalConstant("rgdu.t_min", Decimal("0.0200"), "coefficient", date(2026, 1, 1),
                  "Code de la sécurité sociale L241-13 and D241-7 (décret n° 2025-887 du 4 septembre 2025): Tmin"),
    LegalConstant("rgdu.t_delta_under_50", Decimal("0.3781"), "coefficient", date(2026, 1, 1),
                  "Code de la sécurité sociale D241-7 (décret n° 2025-887 du 4 septembre 2025, amended by décret "
                  "n° 2025-1446 du 31 décembre 2025): Tdelta, employers of fewer than 50 (FNAL 0,10 %)"),
    LegalConstant("rgdu.t_delta_50_plus", Decimal("0.3821"), "coefficient", date(2026, 1, 1),
                  "Code de la sécurité sociale D241-7 (décret n° 2025-887 du 4 septembre 2025, amended by décret "
                  "n° 2025-1446 du 31 décembre 2025): Tdelta, employers of 50 or more (FNAL 0,50 %)"),
    LegalConstant("rgdu.power", Decimal("1.75"), "exponent", date(2026, 1, 1),
                  "Code de la sécurité sociale D241-7 (décret n° 2025-887 du 4 septembre 2025): P"),
    LegalConstant("rgdu.ceiling_smic_multiple", Decimal(3), "× SMIC", date(2026, 1, 1),
                  "Code de la sécurité sociale L241-13 (LFSS 2025 art. 18): no reduction from 3 SMIC"),
)

# Settings the charters' public texts do not fix: defaults, stated as such.
CHARTER_PRACTICE: Final[tuple[LegalConstant, ...]] = (
    LegalConstant("practice.minimum_billing_floor", Decimal("0.90"), "fraction of committed volume",
                  date(2019, 10, 29),
                  "Practice reported around the SP2C charter of 29 Oct 2019, axis 1 (not charter text)"),
    LegalConstant("practice.staff_in_france_provider", Decimal("0.50"), "fraction of staff",
                  date(2010, 11, 9),
                  "Press accounts of the charter of 9 Nov 2010 (providers' centres; not charter text)"),
    LegalConstant("practice.staff_in_france_client", Decimal("0.60"), "fraction of staff",
                  date(2010, 11, 9),
                  "Press accounts of the charter of 9 Nov 2010 (clients' own centres; not charter text)"),
)

_ALL: Final = TABLE + CHARTER_PRACTICE
#: Keys whose values are reference series (the SMIC): resolved through a :class:`ReferenceBook`.
REFERENCE_KEYS: Final[dict[str, str]] = {"smic.hourly_gross": "EUR gross per hour",
                                          "smic.hourly_gross.mayotte": "EUR gross per hour"}
KEYS: Final[frozenset[str]] = frozenset(c.key for c in _ALL) | frozenset(REFERENCE_KEYS)


def entry(key: str, on: date) -> LegalConstant:
    """The table entry for ``key`` in force on ``on``."""
    candidates = [c for c in _ALL if c.key == key]
    if not candidates:
        raise UnknownConstantError(f"no legal constant {key!r}; known: {', '.join(sorted(KEYS))}")
    in_force = [c for c in candidates if c.valid_from <= on]
    if not in_force:
        first = min(c.valid_from for c in candidates)
        raise UnknownConstantError(f"{key!r} has no value before {first.isoformat()} (asked for {on.isoformat()})")
    return max(in_force, key=lambda c: c.valid_from)


def resolve(key: str, on: date, overrides: Mapping[str, Decimal] | None = None,
            book: ReferenceBook | None = None) -> Resolved:
    """The value of ``key`` on ``on``, the contract's override first.

    A reference key (the SMIC) past what its series holds raises
    :class:`~charte.domain.reference.ReferenceValueMissingError` unless the contract overrides it.
    """
    if key in REFERENCE_KEYS:
        if overrides and key in overrides:
            return Resolved(key, overrides[key], REFERENCE_KEYS[key], f"contract override of reference series {key}",
                            True)
        point = (book or shipped_book()).get(key).on(on)
        return Resolved(key, point.value, REFERENCE_KEYS[key], point.source, False)
    base = entry(key, on)
    if overrides and key in overrides:
        return Resolved(key, overrides[key], base.unit, f"contract override of {base.source}", True)
    return Resolved(key, base.value, base.unit, base.source, False)


def value(key: str, on: date, overrides: Mapping[str, Decimal] | None = None) -> Decimal:
    return resolve(key, on, overrides).value
