"""The parties, the term and the relationship: who contracts with whom, from when, where the work is done.

- The **client** (donneur d'ordre) and the **provider** (prestataire), with what an invoice
  must say about them (CGI art. 242 nonies A; Code de commerce L441-9 and R123-237; the
  e-invoicing reform, AFNOR XP Z12-012): name, structured postal address (street, postcode,
  city, ISO 3166 country), SIREN (9 digits, Luhn key — INSEE) and SIRET of the billed
  establishment (14 digits starting with the SIREN), VAT number, electronic address for the
  accredited platforms (BT-34/BT-49: a scheme, e.g. ``0225`` for a SIREN-based French address,
  and an identifier) and, for the provider, its legal form, share capital and the city of its
  trade register (RCS). The client's purchase order (BT-13) when the contract has one.
  Identifiers are checked with python-stdnum (check digits, country formats).
- A client established outside France has no SIREN: in the EU its VAT number is required
  (reverse charge); outside the EU none is. Which fields an invoice needs is checked across
  the contract in :func:`charte.domain.contract.checks.invoicing_parties`.
- The provider's **sites**, each with its ISO 3166 country and headcount: the 2010 charter's
  "jobs located in France" item is computed from them.
- The **term** (start, optional end) and the date the **established commercial
  relationship** began (``relationship_since``), which sets the notice owed at exit
  (Code de commerce L442-1 II).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Final, Literal

from babel import Locale
from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.util import get_cc_module

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount

_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")
#: Two-letter territory codes Babel (CLDR) knows that are not ISO 3166-1 countries.
_NOT_ISO_3166: Final = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB",
                                  "XK", "ZZ"})
#: ISO 3166-1 alpha-2 country codes (from CLDR, through Babel).
COUNTRIES: Final = frozenset(
    c for c in Locale("en").territories if isinstance(c, str) and len(c) == 2 and c.isalpha()) - _NOT_ISO_3166
#: EU member states by ISO 3166 code, as python-stdnum's EU VAT module lists them (Greece's VAT prefix is EL).
EU_MEMBER_STATES: Final = frozenset(
    "GR" if code == "el" else code.upper() for code in eu_vat.MEMBER_STATES if code != "xi")
_EAS: Final = re.compile(r"^(\d{4}|[A-Z]{2})$")
_ADDRESS_ID: Final = re.compile(r"^[A-Za-z0-9+\-_.@]+$")
_FR_POSTCODE: Final = re.compile(r"^\d{5}$")


def luhn_ok(digits: str) -> bool:
    """Luhn check (ISO/IEC 7812), as INSEE uses for the SIREN's and SIRET's last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _compact(text: str) -> str:
    return text.replace(" ", "").replace("\u00a0", "").replace(".", "").replace("-", "")


def _siren(text: str) -> str:
    compact = _compact(text)
    if not re.fullmatch(r"\d{9}", compact):
        raise PydanticCustomError("invalid_siren", "SIREN {found} is not 9 digits", {"found": repr(text)})
    if not fr_siren.is_valid(compact):
        raise PydanticCustomError(
            "invalid_siren", "SIREN {found} fails its check digit (Luhn); check for a typo", {"found": repr(text)}
        )
    return compact


def _siret(text: str) -> str:
    compact = _compact(text)
    if not re.fullmatch(r"\d{14}", compact):
        raise PydanticCustomError("invalid_siret", "SIRET {found} is not 14 digits (SIREN + 5-digit establishment "
                                                   "number)", {"found": repr(text)})
    if not fr_siret.is_valid(compact):
        raise PydanticCustomError(
            "invalid_siret", "SIRET {found} fails its check digit (Luhn); check for a typo", {"found": repr(text)}
        )
    return compact


def _country(text: str) -> str:
    if not _COUNTRY.match(text) or text not in COUNTRIES:
        raise PydanticCustomError(
            "unknown_country", "country {found} is not an ISO 3166 two-letter code; expected e.g. FR, BE, CH, MA",
            {"found": repr(text)},
        )
    return text


def _vat_number(text: str) -> str:
    """A VAT identification number with its country prefix, checked by python-stdnum where it knows the country."""
    compact = _compact(text).upper()
    prefix = compact[:2]
    if not _COUNTRY.match(prefix):
        raise PydanticCustomError("invalid_vat_number", "VAT number {found} does not start with a two-letter "
                                                        "country prefix; expected e.g. FR12345678901 or "
                                                        "BE0123456789", {"found": repr(text)})
    module = eu_vat if prefix.lower() in eu_vat.MEMBER_STATES else get_cc_module(prefix.lower(), "vat")
    if module is None:
        return compact
    try:
        checked: str = module.validate(compact)
    except StdnumError as error:
        raise PydanticCustomError("invalid_vat_number", "VAT number {found} is not a valid {country} VAT number "
                                                        "({why})", {"found": repr(text), "country": prefix,
                                                                     "why": str(error).rstrip(".")}) from None
    return checked if checked[:2].isalpha() else compact


def _iban(text: str) -> str:
    try:
        return str(stdnum_iban.validate(text))
    except StdnumError as error:
        raise PydanticCustomError("invalid_iban", "IBAN {found} is not valid ({why}); check for a typo",
                                  {"found": repr(text), "why": str(error).rstrip(".")}) from None


Siren = Annotated[str, AfterValidator(_siren)]
Siret = Annotated[str, AfterValidator(_siret)]
Country = Annotated[str, AfterValidator(_country)]
VatNumber = Annotated[str, AfterValidator(_vat_number)]
Iban = Annotated[str, AfterValidator(_iban)]


def french_vat_number(siren: str) -> str:
    """The French VAT number of a SIREN: ``FR`` + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97 (CGI ann. IV
    art. 286 ter)."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


class PostalAddress(Clause):
    """A postal address as EN 16931 structures it (BG-5/BG-8): street lines, postcode, city, country."""

    street: str = Field(min_length=1, description="BT-35/BT-50, e.g. '12 rue de la Lumière'")
    street2: str | None = Field(default=None, description="BT-36/BT-51 (building, floor…)")
    country: Country = Field(default="FR", description="BT-40/BT-55, ISO 3166 two-letter code")
    postcode: str = Field(min_length=1, description="BT-38/BT-53")
    city: str = Field(min_length=1, description="BT-37/BT-52")

    @field_validator("postcode")
    @classmethod
    def _french_postcode(cls, postcode: str, info: ValidationInfo) -> str:
        if info.data.get("country", "FR") == "FR" and not _FR_POSTCODE.match(postcode):
            raise PydanticCustomError("invalid_postcode", "French postcode {found} is not 5 digits; expected e.g. "
                                                          "'75011'", {"found": repr(postcode)})
        return postcode

    def lines(self) -> tuple[str, ...]:
        """The address as printed: street lines, then postcode and city, then the country when not France."""
        tail = () if self.country == "FR" else (self.country,)
        return (self.street, *((self.street2,) if self.street2 else ()), f"{self.postcode} {self.city}", *tail)


class ElectronicAddress(Clause):
    """Where accredited platforms deliver the invoice (BT-34 seller, BT-49 buyer): an EAS scheme and an id.

    A French company's address is its SIREN (optionally with a suffix) under scheme ``0225``
    (BR-FR-21); a company abroad uses its own scheme, e.g. ``0208`` (Belgian enterprise number)
    or ``9925`` (Belgian VAT number).
    """

    scheme: str = Field(description="EAS code (ISO 6523 ICD or CEF EAS), e.g. '0225'")
    id: str = Field(min_length=1, max_length=125)

    @field_validator("scheme")
    @classmethod
    def _scheme(cls, scheme: str) -> str:
        if not _EAS.match(scheme):
            raise PydanticCustomError("invalid_electronic_address", "scheme {found} is not an EAS code; expected 4 "
                                                                    "digits such as '0225' (French SIREN-based "
                                                                    "address) or '0208'", {"found": repr(scheme)})
        return scheme

    @field_validator("id")
    @classmethod
    def _identifier(cls, identifier: str) -> str:
        if not _ADDRESS_ID.match(identifier):
            raise PydanticCustomError("invalid_electronic_address", "electronic address {found} has characters "
                                                                    "the platforms refuse; expected letters, digits, "
                                                                    "'+', '-', '_' or '.' (BR-FR-23)",
                                      {"found": repr(identifier)})
        return identifier


class Site(Clause):
    """A production site of the provider: where agents sit, in which country, how many."""

    name: str
    country: Country
    staff: int = Field(ge=0, description="headcount of the site")
    contract_staff: int | None = Field(default=None, ge=0, description="of which working on this contract")


class Party(Clause):
    """A legal person party to the contract, as its invoices name it (see the module docstring)."""

    name: str
    siren: Siren | None = Field(default=None, description="required for a company registered in France")
    siret: Siret | None = Field(default=None, description="the billed establishment (14 digits)")
    vat_number: VatNumber | None = Field(default=None, description="derived from the SIREN in France when absent")
    address: PostalAddress | None = None
    electronic_address: ElectronicAddress | None = None
    legal_form: str | None = Field(default=None, description="e.g. SAS, SA, SARL (Code de commerce R123-237)")
    share_capital: Amount | None = Field(default=None, description="EUR (R123-237)")
    rcs_city: str | None = Field(default=None, description="city of the trade register (RCS) the company is "
                                                           "registered with (R123-237)")
    purchase_order: str | None = Field(default=None, max_length=35, description="the client's order reference "
                                                                               "(BT-13), printed on every invoice")

    @property
    def country(self) -> str | None:
        return self.address.country if self.address is not None else None

    @property
    def vat_id(self) -> str | None:
        """The VAT number as written, else the one French law derives from the SIREN (a French party only)."""
        if self.vat_number is not None:
            return self.vat_number
        if self.siren is not None and self.country in (None, "FR"):
            return french_vat_number(self.siren)
        return None


class Provider(Party):
    """The provider (prestataire), with its production sites and the bank account it is paid on."""

    siren: Siren = Field(description="the provider's SIREN (BT-30)")
    iban: Iban | None = Field(default=None, description="account the client pays to (BT-84)")
    bic: str | None = Field(default=None, pattern=r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
    sites: tuple[Site, ...] = Field(min_length=1)

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(f"no site {name!r}; sites: {', '.join(s.name for s in self.sites)}")


class Term(Clause):
    """Duration of the contract. ``end`` is absent for an open-ended contract."""

    start: date
    end: date | None = None
    renewal: Literal["none", "tacit_yearly"] = "none"

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if end is not None and isinstance(start, date) and end < start:
            raise PydanticCustomError(
                "term_ends_before_start", "the term ends on {end} before it starts on {start}",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
