"""What an invoice needs from the parties: refused at validation, each problem at its line, with what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from charte.domain.contract.parties import EU_MEMBER_STATES, french_vat_number
from charte.io.contract_yaml import check_contract_text

ROOT = Path(__file__).resolve().parents[3]
ENERGIE = (ROOT / "examples" / "service-client-energie.yaml").read_text(encoding="utf-8")
BRUXELLES = (ROOT / "examples" / "service-client-bruxelles.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[tuple[str, int, str]]:
    _, found = check_contract_text(text, "c.yaml")
    lines = text.splitlines()
    return [(p.code, p.line, lines[p.line - 1].strip()) for p in found if p.is_error]


def test_the_examples_are_complete():
    assert problems(ENERGIE) == [] and problems(BRUXELLES) == []


@pytest.mark.parametrize(("field", "code"), [
    ("  siret: \"12345678200010\"\n", "missing_party_field"),
    ("  electronic_address: {scheme: \"0225\", id: \"123456782\"}\n", "missing_party_field"),
    ("  address: {street: \"12 rue de la Lumière\", postcode: \"75011\", city: \"Paris\", country: FR}\n",
     "missing_party_field"),
])
def test_a_french_client_without_a_mandatory_field_is_refused_at_its_party(field, code):
    found = problems(ENERGIE.replace(field, ""))
    assert [(c, text) for c, _, text in found] == [(code, "client:")]


@pytest.mark.parametrize("field", ["  legal_form: SAS\n", "  share_capital: \"250000\"\n", "  rcs_city: Amiens\n"])
def test_the_provider_without_its_r123_237_mentions_is_refused(field):
    found = problems(ENERGIE.replace(field, ""))
    assert [(c, text) for c, _, text in found] == [("missing_party_field", "provider:")]


def test_identifiers_are_checked_with_their_keys():
    found = problems(ENERGIE.replace('siret: "12345678200010"', 'siret: "12345678200011"')
                     .replace('postcode: "80000"', 'postcode: "8000"')
                     .replace('iban: "FR7630004000031234567890143"', 'iban: "FR7630004000031234567890144"'))
    assert sorted(c for c, _, _ in found) == ["invalid_iban", "invalid_postcode", "invalid_siret"]
    assert {text for _, _, text in found} == {'siret: "12345678200011"',
                                              'address: {street: "3 boulevard de Beauvillé", postcode: "8000", '
                                              'city: "Amiens", country: FR}',
                                              'iban: "FR7630004000031234567890144"'}


def test_siret_of_another_siren_and_a_wrong_vat_number_are_errors():
    text = (ENERGIE.replace('siret: "12345678200010"', 'siret: "98765432400019"')
            .replace('  siren: "123456782"\n', '  siren: "123456782"\n  vat_number: "FR14987654324"\n'))
    assert sorted((c, t) for c, _, t in problems(text)) == [("siret_not_of_siren", 'siret: "98765432400019"'),
                                                           ("vat_number_mismatch", 'vat_number: "FR14987654324"')]


def test_a_french_electronic_address_is_the_siren_under_scheme_0225():
    text = ENERGIE.replace('electronic_address: {scheme: "0225", id: "123456782"}',
                           'electronic_address: {scheme: "0009", id: "12345678200010"}')
    assert [c for c, _, _ in problems(text)] == ["electronic_address_not_siren"]


def test_an_unknown_country_or_a_malformed_vat_number_says_what_was_expected():
    _, found = check_contract_text(BRUXELLES.replace("country: BE}", "country: BX}")
                                   .replace('"BE0712345630"', '"BE0712345631"'), "c.yaml")
    messages = {p.code: p.message for p in found}
    assert "expected e.g. FR, BE, CH, MA" in messages["unknown_country"]
    assert "is not a valid BE VAT number" in messages["invalid_vat_number"]


def test_an_eu_client_needs_its_vat_number_but_no_siren():
    found = problems(BRUXELLES.replace('  vat_number: "BE0712345630"\n', ""))
    assert [(c, t) for c, _, t in found] == [("missing_party_field", "client:")]


def test_a_client_outside_the_eu_needs_neither_siren_nor_vat_number():
    text = (BRUXELLES.replace('  vat_number: "BE0712345630"\n', "")
            .replace('postcode: "1000", city: "Bruxelles", country: BE',
                     'postcode: "1204", city: "Genève", country: CH')
            .replace('scheme: "0208", id: "0712345630"', 'scheme: "0183", id: "CHE116281710"'))
    assert problems(text) == []
    assert "CH" not in EU_MEMBER_STATES and "BE" in EU_MEMBER_STATES and "GR" in EU_MEMBER_STATES


def test_a_vat_number_of_another_country_than_the_address_is_an_error():
    text = BRUXELLES.replace('"BE0712345630"', '"FR14987654324"')
    assert [c for c, _, _ in problems(text)] == ["vat_number_mismatch"]


def test_french_vat_key():
    # key = (12 + 3 × (123456782 mod 97)) mod 97; 123456782 = 97 × 1272750 + 32 → (12 + 96) mod 97 = 11
    assert french_vat_number("123456782") == "FR11123456782"
