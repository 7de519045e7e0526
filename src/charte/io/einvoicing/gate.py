"""The official e-invoicing rules, run on a document before it is numbered (AFNOR XP Z12-012 v1.4).

A platform accredited for the French e-invoicing reform (plateforme agréée, PA) rejects a
document that breaks EN 16931 or the French "BR-FR" rules. charte runs the same official
artefacts (vendored unchanged in ``artefacts/``, see its NOTICE.md) on every document it
issues, in this order:

- **CII** (Factur-X): the Factur-X 1.09 EN 16931 XSD (lxml), CEN's EN 16931 CII schematron,
  the Factur-X 1.09 EN 16931 profile schematron and the BR-FR rules for CII;
- **UBL 2.1**: the UBL 2.1 Invoice or CreditNote XSD, CEN's EN 16931 UBL schematron and the
  BR-FR rules for UBL;
- **CDAR** (lifecycle status messages): the CDAR D22B XSD and the BR-FR CDV rules.

The compiled schematrons are XSLT 2.0/3.0 stylesheets, run with SaxonC-HE (``saxonche``).
Each stylesheet is compiled once per process (about 0.5–1 s each) and cached; a run on a
document then takes milliseconds (``benchmarks/io/bench_einvoicing_gate.py``). A finding is
an SVRL ``failed-assert`` (or ``successful-report``); its flag ``fatal`` or ``error`` (or no
flag: a plain Schematron assertion) makes the document unacceptable; ``warning`` and
``information`` findings are reported and do not block.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from lxml import etree  # type: ignore[import-untyped]

from charte.io.einvoicing.rules import explain

Syntax = Literal["cii", "ubl", "cdar"]
SVRL = "http://purl.oclc.org/dsdl/svrl"
_TERM = re.compile(r"(?<![A-Za-z0-9])(?:BT|BG|MDT|MDG)-\d+(?!\d)")
_NON_BLOCKING = frozenset({"warning", "information", "info"})

#: Per syntax: (artefact name shown to a person, path under ``artefacts/``), in the order they run.
STYLESHEETS: dict[Syntax, tuple[tuple[str, str], ...]] = {
    "cii": (("EN 16931 (CII)", "cii/EN16931-CII-validation.xslt"),
            ("Factur-X 1.09 EN 16931", "facturx/FACTUR-X_EN16931.xslt"),
            ("BR-FR (CII)", "cii/BR-FR-Flux2-Schematron-CII.xslt")),
    "ubl": (("EN 16931 (UBL)", "ubl/EN16931-UBL-validation.xslt"),
            ("BR-FR (UBL)", "ubl/BR-FR-Flux2-Schematron-UBL.xslt")),
    "cdar": (("BR-FR CDV (CDAR)", "cdar/BR-FR-CDV-Schematron-CDAR.xslt"),),
}
_XSD: dict[str, str] = {
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice":
        "facturx/Factur-X_EN16931.xsd",
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "ubl/maindoc/UBL-Invoice-2.1.xsd",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "ubl/maindoc/UBL-CreditNote-2.1.xsd",
    "{urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100}"
    "CrossDomainAcknowledgementAndResponse": "cdar/xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd",
}
_ROOTS: dict[Syntax, frozenset[str]] = {
    "cii": frozenset(k for k in _XSD if k.endswith("}CrossIndustryInvoice")),
    "ubl": frozenset(k for k in _XSD if k.endswith(("}Invoice", "}CreditNote"))),
    "cdar": frozenset(k for k in _XSD if k.endswith("}CrossDomainAcknowledgementAndResponse")),
}


def artefacts_dir() -> Path:
    """The folder of the vendored official artefacts."""
    return Path(str(files("charte.io.einvoicing") / "artefacts"))


@dataclass(frozen=True)
class RuleFinding:
    """One finding of an official artefact: the rule's id, its flag, the business terms it names, where, what."""

    rule: str
    flag: str
    artefact: str
    location: str
    text: str

    @property
    def is_fatal(self) -> bool:
        return self.flag not in _NON_BLOCKING

    @property
    def business_terms(self) -> tuple[str, ...]:
        """BT-/BG- (invoice) or MDT-/MDG- (status message) terms named by the rule id or text."""
        seen: dict[str, None] = {}
        for term in _TERM.findall(f"{self.rule} {self.text}"):
            seen.setdefault(term, None)
        return tuple(seen)

    def message(self, lang: Literal["fr", "en"] = "fr") -> str:
        """The finding in words: the human message of :mod:`charte.io.einvoicing.rules` when charte knows
        the rule, else the artefact's own text (French for BR-FR, English for EN 16931)."""
        human = explain(self.rule, lang)
        if human:
            return f"[{self.rule}] {human}"
        terms = ", ".join(self.business_terms)
        return f"[{self.rule}]{f' ({terms})' if terms else ''} {self.text}"


@dataclass(frozen=True)
class GateReport:
    """Every finding of every artefact run on one document."""

    syntax: Syntax
    findings: tuple[RuleFinding, ...]

    @property
    def fatal(self) -> tuple[RuleFinding, ...]:
        return tuple(f for f in self.findings if f.is_fatal)

    @property
    def warnings(self) -> tuple[RuleFinding, ...]:
        return tuple(f for f in self.findings if not f.is_fatal)

    @property
    def ok(self) -> bool:
        return not self.fatal


class DocumentRefusedError(ValueError):
    """A document with fatal findings: it is not numbered. ``code`` is stable; the message lists every
    fatal finding in French then English, each with its rule, its business term and what to fix."""

    code = "einvoice_rules_failed"

    def __init__(self, what: str, reports: Iterable[GateReport]) -> None:
        self.reports = tuple(reports)
        self.findings = tuple(f for r in self.reports for f in r.fatal)
        lines = [f"{what}: {len(self.findings)} fatal finding(s) of the official e-invoicing rules "
                 "(EN 16931, Factur-X, BR-FR); nothing was numbered"]
        for finding in self.findings:
            lines.append(f"  {finding.artefact} {finding.message('fr')}")
            lines.append(f"    EN: {finding.message('en')}")
        super().__init__(f"[{self.code}] " + "\n".join(lines))


_LOCK = threading.RLock()


@cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _executable(relative: str) -> Any:
    """The stylesheet compiled once per process (Saxon's compile is the slow part)."""
    compiler = _processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(artefacts_dir() / relative))


@cache
def _schema(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(artefacts_dir() / relative)))


def warm_up(syntaxes: Iterable[Syntax] = ("cii", "ubl", "cdar")) -> None:
    """Compile every stylesheet and schema of ``syntaxes`` now (tests and servers call it once)."""
    with _LOCK:
        for syntax in syntaxes:
            for _name, relative in STYLESHEETS[syntax]:
                _executable(relative)
        for root in (r for s in syntaxes for r in _ROOTS[s]):
            _schema(_XSD[root])


def _xsd_findings(root: etree._Element, syntax: Syntax) -> list[RuleFinding]:
    if root.tag not in _ROOTS[syntax]:
        expected = " or ".join(sorted(t.split("}")[1] for t in _ROOTS[syntax]))
        return [RuleFinding("XSD", "fatal", "XSD", "/", f"the root element is {root.tag}; expected {expected}")]
    schema = _schema(_XSD[root.tag])
    if schema.validate(root):
        return []
    return [RuleFinding("XSD", "fatal", f"XSD ({Path(_XSD[root.tag]).name})", f"line {e.line}", e.message)
            for e in schema.error_log]


def validate_xsd(xml: bytes, syntax: Syntax) -> list[RuleFinding]:
    """The XSD findings alone (a fast structural check, no Saxon)."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [RuleFinding("XML", "fatal", "XML", f"line {error.lineno}", str(error))]
    return _xsd_findings(root, syntax)


def _svrl_findings(svrl: str, artefact: str) -> list[RuleFinding]:
    tree = etree.fromstring(svrl.encode("utf-8"))
    out = []
    for node in tree.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(node.itertext()).split())
        out.append(RuleFinding(node.get("id") or "(no id)", (node.get("flag") or "error").lower(), artefact,
                               node.get("location") or "", text))
    return out


def validate(xml: bytes, syntax: Syntax) -> GateReport:
    """Run the XSD and every schematron of ``syntax`` on ``xml``; every finding, fatal or not."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return GateReport(syntax, (RuleFinding("XML", "fatal", "XML", f"line {error.lineno}", str(error)),))
    findings = _xsd_findings(root, syntax)
    text = xml.decode("utf-8")
    with _LOCK:
        document = _processor().parse_xml(xml_text=text)
        for name, relative in STYLESHEETS[syntax]:
            findings += _svrl_findings(_executable(relative).transform_to_string(xdm_node=document), name)
    return GateReport(syntax, tuple(findings))


def require_valid(xml: bytes, syntax: Syntax, what: str) -> GateReport:
    """:func:`validate`, raising :class:`DocumentRefusedError` on any fatal finding."""
    report = validate(xml, syntax)
    if not report.ok:
        raise DocumentRefusedError(what, (report,))
    return report
