"""CDAR lifecycle messages: one per status, each valid against the CDAR D22B XSD and the BR-FR CDV rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from tests.io.einvoicing.documents import month_documents

from charte.io.cdar import cdar_xml, checked_cdar_xml, write_cdar_messages
from charte.io.contract_yaml import load_contract
from charte.io.einvoicing import DocumentRefusedError, validate
from charte.payments.lifecycle import REASONS, Status, StatusEvent

ROOT = Path(__file__).resolve().parents[3]
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100}"
AT = datetime(2026, 11, 5, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))


def event(status: Status, number: str = "F000001") -> StatusEvent:
    reason = next(iter(REASONS[status.code]), None) if status.code in REASONS else None
    amount = (Decimal("1234.56"), Decimal("0.20")) if status is Status.ENCAISSEE else (None, None)
    return StatusEvent(number, status, AT, reason, "motif en clair" if reason else "", *amount)


@pytest.fixture(scope="module", params=["service-client-energie", "service-client-bruxelles"])
def document(request):
    return month_documents(load_contract(ROOT / "examples" / f"{request.param}.yaml"))["invoice"]


@pytest.mark.parametrize("status", list(Status), ids=lambda s: f"{s.code}-{s.name}")
def test_every_status_message_is_valid(status, document):
    report = validate(cdar_xml(event(status), document), "cdar")
    assert [f"{f.rule}: {f.text[:160]}" for f in report.fatal] == []
    assert report.warnings == ()


def test_cashed_carries_the_amount_received_and_its_vat_rate(document):
    root = etree.fromstring(cdar_xml(event(Status.ENCAISSEE), document))
    characteristic = root.find(f".//{RAM}SpecifiedDocumentCharacteristic")
    assert characteristic.findtext(f"{RAM}TypeCode") == "MEN"
    assert characteristic.findtext(f"{RAM}ValueAmount") == "1234.56"
    assert root.findtext(f".//{RAM}ReferenceReferencedDocument/{RAM}ProcessConditionCode") == "212"
    assert root.findtext(f".//{RSM}AcknowledgementDocument/{RAM}TypeCode") == "23"   # processing phase, by the seller


def test_a_platform_status_is_a_transmission_message(document):
    root = etree.fromstring(cdar_xml(event(Status.DEPOSEE), document))
    assert root.findtext(f".//{RSM}AcknowledgementDocument/{RAM}TypeCode") == "305"
    assert root.findtext(f".//{RAM}SenderTradeParty/{RAM}RoleCode") == "WK"


def test_the_rules_catch_a_cashed_status_without_its_amount(document):
    bad = StatusEvent("F000001", Status.ENCAISSEE, AT)
    assert "BR-FR-CDV-14_MDT-207" in {f.rule for f in validate(cdar_xml(bad, document), "cdar").fatal}
    with pytest.raises(DocumentRefusedError, match="BR-FR-CDV-14"):
        checked_cdar_xml(bad, document)


def test_a_refusal_without_reason_is_caught_by_the_rules(document):
    bad = StatusEvent("F000001", Status.REFUSEE, AT)
    assert "BR-FR-CDV-15_MDT-113" in {f.rule for f in validate(cdar_xml(bad, document), "cdar").fatal}


def test_messages_of_a_history_are_written_one_file_each(tmp_path, document):
    names = write_cdar_messages([event(Status.DEPOSEE), event(Status.ENCAISSEE)], document, tmp_path)
    assert names == ("F000001-200-20261105143000.cdar.xml", "F000001-212-20261105143000.cdar.xml")
    assert all(validate((tmp_path / n).read_bytes(), "cdar").ok for n in names)
