"""Complete, valid (checksum-correct, fictitious) party data for contracts written inline in tests.

An invoice needs from each party what :func:`charte.domain.contract.checks.invoicing_parties`
lists; tests that are not about the parties use these so their contracts validate.
"""

from __future__ import annotations

from typing import Any

CLIENT: dict[str, Any] = {
    "name": "Client SA", "siren": "123456782", "siret": "12345678200010",
    "address": {"street": "12 rue de la Lumière", "postcode": "75011", "city": "Paris", "country": "FR"},
    "electronic_address": {"scheme": "0225", "id": "123456782"},
}
PROVIDER: dict[str, Any] = {
    "name": "Provider SAS", "legal_form": "SAS", "share_capital": "250000", "rcs_city": "Amiens",
    "siren": "987654324", "siret": "98765432400019",
    "address": {"street": "3 boulevard de Beauvillé", "postcode": "80000", "city": "Amiens", "country": "FR"},
    "electronic_address": {"scheme": "0225", "id": "987654324"},
}

CLIENT_YAML = """\
client:
  name: Client SA
  siren: "123456782"
  siret: "12345678200010"
  address: {street: "12 rue de la Lumière", postcode: "75011", city: Paris, country: FR}
  electronic_address: {scheme: "0225", id: "123456782"}
"""
PROVIDER_YAML = """\
provider:
  name: Provider SAS
  legal_form: SAS
  share_capital: "250000"
  rcs_city: Amiens
  siren: "987654324"
  siret: "98765432400019"
  address: {street: "3 boulevard de Beauvillé", postcode: "80000", city: Amiens, country: FR}
  electronic_address: {scheme: "0225", id: "987654324"}
"""


def client(**changes: Any) -> dict[str, Any]:
    return {**CLIENT, **changes}


def provider(**changes: Any) -> dict[str, Any]:
    return {**PROVIDER, **changes}
