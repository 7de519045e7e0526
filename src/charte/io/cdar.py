"""Lifecycle status messages as the accredited platforms exchange them: UN/CEFACT CDAR D22B (French CDV profile).

One message per status event (:class:`charte.payments.lifecycle.StatusEvent`) of one document,
profile ``urn.cpro.gouv.fr:1p0:CDV:invoice`` (AFNOR XP Z12-012 v1.4):

- **who**: a platform's statuses (200 Déposée, 213 Rejetée) are transmission-phase messages
  (MDT-77 = 305) sent by the platform (role WK) to the seller; the buyer's (204–211) and the
  seller's (212 Encaissée) are processing-phase messages (MDT-77 = 23) whose issuer is the party
  itself, identified by its SIREN (0002), sent to the other party at its electronic address;
- **what**: the document's number, type (380/381) and date, its seller (SIREN, role SE), the
  status code (MDT-105) and name, the reason code and text when the status needs one, and for
  Encaissée the amount received with its VAT rate (characteristic MEN, BR-FR-CDV-14);
- **context**: REGULATED (MDT-2; see :data:`BUSINESS_PROCESS` for why a foreign buyer's invoice says it too).

Every message is checked against the CDAR XSD and the BR-FR CDV rules
(:func:`charte.io.einvoicing.validate`, syntax ``cdar``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from charte.domain.money import round_cents
from charte.io.einvoicing.gate import DocumentRefusedError, validate
from charte.payments.invoice import Invoice, PartyMention
from charte.payments.lifecycle import StatusEvent

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
TRANSMISSION, PROCESSING = "305", "23"
#: MDT-2. The standard lists REGULATED, NON_REGULATED, B2C, B2CINT, B2BINT and OUTOFSCOPE, but the published rule
#: BR-FR-CDV-CL-01 (v1.4.0) compares only REGULATED with the element's value (the others with the whole context's
#: text), so any other value is a fatal finding: every message says REGULATED until the rule is fixed.
BUSINESS_PROCESS = "REGULATED"
ROLE_CODES = {"platform": "WK", "buyer": "BY", "seller": "SE"}
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


class CdarError(ValueError):
    """A status message that cannot be written."""


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
    if text is not None:
        node.text = text
    return node


def _party(parent: etree._Element, tag: str, party: PartyMention | None, role: str, *,
           identified: bool, address: bool) -> None:
    node = _el(parent, RAM, tag)
    if identified and party is not None and party.siren:
        _el(node, RAM, "GlobalID", party.siren, schemeID="0002")
    elif identified and party is not None and party.electronic_address is not None:
        scheme, identifier = party.electronic_address  # a company abroad: its registration as its address says
        _el(node, RAM, "GlobalID", identifier, schemeID=scheme)
    if party is not None:
        _el(node, RAM, "Name", party.name)
    _el(node, RAM, "RoleCode", role)
    if address and party is not None and party.electronic_address is not None:
        scheme, identifier = party.electronic_address
        _el(_el(node, RAM, "URIUniversalCommunication"), RAM, "URIID", identifier, schemeID=scheme)


def message_id(event: StatusEvent) -> str:
    """A stable id for the message (MDT-4): document number, status code, timestamp."""
    return f"{event.invoice}-{event.status.code}-{event.at.strftime('%Y%m%d%H%M%S')}"


def cdar_xml(event: StatusEvent, document: Invoice) -> bytes:
    """The CDAR message of ``event`` about ``document`` (rules in the module docstring)."""
    if document.number is None or document.number != event.invoice:
        raise CdarError(f"status of {event.invoice} cannot be written for document {document.number}")
    role = event.status.role
    phase = TRANSMISSION if role == "platform" else PROCESSING
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)
    context = _el(root, RSM, "ExchangedDocumentContext")
    _el(_el(context, RAM, "BusinessProcessSpecifiedDocumentContextParameter"), RAM, "ID", BUSINESS_PROCESS)
    _el(_el(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", GUIDELINE)
    header = _el(root, RSM, "ExchangedDocument")
    _el(header, RAM, "ID", message_id(event))
    _el(header, RAM, "Name", f"{event.status.name_fr} — {document.number}")
    _el(_el(header, RAM, "IssueDateTime"), UDT, "DateTimeString", event.at.strftime("%Y%m%d%H%M%S"), format="204")
    sender = {"platform": None, "buyer": document.buyer, "seller": document.seller}[role]
    recipient = document.buyer if role == "seller" else document.seller
    _party(header, "SenderTradeParty", sender, ROLE_CODES[role], identified=False, address=False)
    _party(header, "IssuerTradeParty", sender, ROLE_CODES[role], identified=role != "platform", address=False)
    _party(header, "RecipientTradeParty", recipient, "BY" if role == "seller" else "SE", identified=True,
           address=True)
    acknowledgement = _el(root, RSM, "AcknowledgementDocument")
    _el(_el(acknowledgement, RAM, "MultipleReferencesIndicator"), UDT, "Indicator", "false")
    _el(acknowledgement, RAM, "TypeCode", phase)
    _el(_el(acknowledgement, RAM, "IssueDateTime"), UDT, "DateTimeString", event.at.strftime("%Y%m%d%H%M%S"),
        format="204")
    _referenced(acknowledgement, event, document)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _referenced(parent: etree._Element, event: StatusEvent, document: Invoice) -> None:
    node = _el(parent, RAM, "ReferenceReferencedDocument")
    _el(node, RAM, "IssuerAssignedID", str(document.number))
    _el(node, RAM, "TypeCode", TYPE_CODES[document.kind])
    _el(_el(node, RAM, "FormattedIssueDateTime"), QDT, "DateTimeString", document.issue_date.strftime("%Y%m%d"),
        format="102")
    _el(node, RAM, "ProcessConditionCode", event.status.code)
    _el(node, RAM, "ProcessCondition", event.status.name_fr)
    _party(node, "IssuerTradeParty", document.seller, "SE", identified=True, address=False)
    if event.reason_code is None and event.amount is None and not event.reason:
        return
    status = _el(node, RAM, "SpecifiedDocumentStatus")
    if event.reason_code:
        _el(status, RAM, "ReasonCode", event.reason_code)
    if event.reason_words():
        _el(status, RAM, "Reason", event.reason_words())
    _el(status, RAM, "SequenceNumeric", "1")
    if event.amount is not None:
        characteristic = _el(status, RAM, "SpecifiedDocumentCharacteristic")
        _el(characteristic, RAM, "TypeCode", "MEN")
        _el(characteristic, RAM, "ValueAmount", format(round_cents(event.amount), "f"), currencyID=document.currency)
        _el(characteristic, RAM, "ValuePercent", format(((event.vat_rate or Decimal(0)) * 100).normalize(), "f"))


def checked_cdar_xml(event: StatusEvent, document: Invoice) -> bytes:
    """:func:`cdar_xml`, refused (:class:`DocumentRefusedError`) when the CDAR XSD or the BR-FR CDV rules find a
    fatal problem."""
    xml = cdar_xml(event, document)
    report = validate(xml, "cdar")
    if not report.ok:
        raise DocumentRefusedError(f"status {event.status.code} of {event.invoice}", (report,))
    return xml


def write_cdar_messages(events: Iterable[StatusEvent], document: Invoice, folder: Path) -> tuple[str, ...]:
    """Write each event's checked message as ``<id>.cdar.xml`` in ``folder``; returns the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for event in events:
        name = f"{message_id(event)}.cdar.xml"
        (folder / name).write_bytes(checked_cdar_xml(event, document))
        names.append(name)
    return tuple(names)
