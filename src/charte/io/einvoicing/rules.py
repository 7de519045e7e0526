"""The official rules charte can break, in words a contract manager can act on (French and English).

The artefacts' own texts are technical (XPath, element names) and in one language. For the
rules a charte document can break through its contract's data, this table says which
business term is wrong and which contract field fixes it. Any other rule is shown with the
artefact's own text (:meth:`charte.io.einvoicing.gate.RuleFinding.message`).

Keys are the rule ids as the artefacts emit them; a key without a suffix (``BR-FR-09``) covers
every variant of the rule (``BR-FR-09_BT-29``, ``BR-FR-09_BT-46``…).
"""

from __future__ import annotations

from typing import Final, Literal

#: rule id → (French, English): what is wrong and what to fix.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "BR-FR-08_BT-23": (
        "cadre de facturation (BT-23) absent ou inconnu ; attendu S1 pour une prestation de services "
        "(`payment_terms.billing_mode` du contrat)",
        "billing mode (BT-23) missing or unknown; expected S1 for services (`payment_terms.billing_mode` "
        "of the contract)"),
    "BR-FR-12_BT-49": (
        "adresse électronique de l'acheteur (BT-49) absente : ajoutez `client.electronic_address` au contrat "
        "(schéma 0225 et SIREN pour un client français)",
        "buyer's electronic address (BT-49) missing: add `client.electronic_address` to the contract "
        "(scheme 0225 and the SIREN for a French client)"),
    "BR-FR-13_BT-34": (
        "adresse électronique du vendeur (BT-34) absente : ajoutez `provider.electronic_address` au contrat",
        "seller's electronic address (BT-34) missing: add `provider.electronic_address` to the contract"),
    "BR-FR-21_BT-49": (
        "l'adresse électronique d'un acheteur français (BT-49) doit commencer par son SIREN, schéma 0225 : "
        "corrigez `client.electronic_address`",
        "a French buyer's electronic address (BT-49) must start with its SIREN, scheme 0225: "
        "fix `client.electronic_address`"),
    "BR-FR-10_BT-30": (
        "SIREN du vendeur (BT-30) absent ou pas sur 9 chiffres : corrigez `provider.siren`",
        "seller's SIREN (BT-30) missing or not 9 digits: fix `provider.siren`"),
    "BR-FR-11_BT-47": (
        "SIREN de l'acheteur (BT-47) obligatoire pour une facture entre entreprises françaises : "
        "ajoutez `client.siren`",
        "buyer's SIREN (BT-47) required on an invoice between French companies: add `client.siren`"),
    "BR-FR-09": (
        "le SIRET doit avoir 14 chiffres et commencer par le SIREN : corrigez `siret` de la partie",
        "the SIRET must be 14 digits starting with the SIREN: fix the party's `siret`"),
    "BR-FR-05": (
        "mention obligatoire absente (pénalités de retard PMD, indemnité de recouvrement PMT ou escompte AAB) "
        "dans les notes (BT-22)",
        "mandatory note missing (late penalties PMD, recovery indemnity PMT or discount AAB) in the notes (BT-22)"),
    "BR-FR-16": (
        "taux de TVA non autorisé en France : corrigez le taux de TVA du règlement",
        "VAT rate not allowed in France: fix the settlement's VAT rate"),
    "BR-FR-CO-05_BT-3": (
        "un avoir doit citer la facture qu'il corrige, avec son numéro (BT-25) et sa date (BT-26)",
        "a credit note must name the invoice it corrects, with its number (BT-25) and date (BT-26)"),
    "BR-FR-CO-07_BT-9": (
        "l'échéance (BT-9) précède la date de facture (BT-2) : vérifiez `payment_terms` et la date d'émission",
        "the due date (BT-9) is before the invoice date (BT-2): check `payment_terms` and the issue date"),
    "BR-FR-01": (
        "numéro de document (BT-1/BT-25) de plus de 35 caractères ou avec des caractères non permis",
        "document number (BT-1/BT-25) longer than 35 characters or with characters not allowed"),
    "BR-08": (
        "adresse postale du vendeur (BG-5) absente : ajoutez `provider.address` au contrat",
        "seller's postal address (BG-5) missing: add `provider.address` to the contract"),
    "BR-10": (
        "adresse postale de l'acheteur (BG-8) absente : ajoutez `client.address` au contrat",
        "buyer's postal address (BG-8) missing: add `client.address` to the contract"),
    "BR-09": (
        "code pays du vendeur (BT-40) absent : ajoutez `provider.address.country`",
        "seller's country code (BT-40) missing: add `provider.address.country`"),
    "BR-11": (
        "code pays de l'acheteur (BT-55) absent : ajoutez `client.address.country`",
        "buyer's country code (BT-55) missing: add `client.address.country`"),
    "BR-S-02": (
        "facture avec TVA (catégorie S) sans numéro de TVA du vendeur (BT-31) : ajoutez `provider.vat_number`",
        "invoice with VAT (category S) but no seller VAT number (BT-31): add `provider.vat_number`"),
    "BR-AE-02": (
        "autoliquidation (catégorie AE) sans numéro de TVA du vendeur (BT-31) et de l'acheteur (BT-48) : "
        "ajoutez `client.vat_number`",
        "reverse charge (category AE) without the seller's (BT-31) and buyer's (BT-48) VAT numbers: "
        "add `client.vat_number`"),
    "BR-AE-10": (
        "autoliquidation (catégorie AE) sans motif d'exonération (BT-120/BT-121)",
        "reverse charge (category AE) without an exemption reason (BT-120/BT-121)"),
    "BR-O-02": (
        "opération hors champ (catégorie O) : aucun numéro de TVA ne doit figurer (BT-31, BT-48)",
        "outside the scope of VAT (category O): no VAT number may appear (BT-31, BT-48)"),
    "BR-27": (
        "prix unitaire négatif (BT-146) : une ligne négative porte une quantité négative, jamais un prix négatif",
        "negative unit price (BT-146): a negative line carries a negative quantity, never a negative price"),
    "BR-CO-10": (
        "le total des lignes (BT-106) n'est pas la somme des montants de ligne (BT-131)",
        "the sum of lines (BT-106) is not the sum of the line amounts (BT-131)"),
    "BR-CO-15": (
        "le total TTC (BT-112) n'est pas le total HT (BT-109) plus la TVA (BT-110)",
        "the total with VAT (BT-112) is not the total without VAT (BT-109) plus VAT (BT-110)"),
    "BR-CO-25": (
        "facture à payer sans échéance (BT-9) ni conditions de paiement (BT-20)",
        "amount due without a due date (BT-9) or payment terms (BT-20)"),
    "BR-FR-CDV-14_MDT-207": (
        "le statut Encaissée (212) doit porter le montant encaissé (MEN) avec son taux de TVA",
        "the Encaissée (cashed, 212) status must carry the amount received (MEN) with its VAT rate"),
    "BR-FR-CDV-15_MDT-113": (
        "ce statut (refusée, rejetée, en litige, suspendue…) exige un motif codé (MDT-113)",
        "this status (refused, rejected, disputed, suspended…) requires a coded reason (MDT-113)"),
    "BR-FR-CDV-CL-09": (
        "motif de statut non autorisé pour ce statut : choisissez un motif de la liste de la norme",
        "status reason not allowed for this status: pick a reason of the standard's list"),
    "XSD": (
        "le document ne respecte pas le schéma XML officiel (XSD)",
        "the document breaks the official XML schema (XSD)"),
}


def explain(rule: str, lang: Literal["fr", "en"]) -> str | None:
    """The human message of ``rule`` (exact id first, then its base rule ``BR-FR-09``), or ``None``."""
    entry = MESSAGES.get(rule)
    if entry is None:
        base = rule.split("_", 1)[0]
        entry = MESSAGES.get(base)
        if entry is None and base.count("-") > 2:
            entry = MESSAGES.get(base.rsplit("-", 1)[0]) if base.startswith("BR-FR-CDV-CL") else None
    if entry is None:
        return None
    return entry[0] if lang == "fr" else entry[1]
