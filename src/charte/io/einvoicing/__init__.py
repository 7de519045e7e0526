"""The French e-invoicing reform's official rules (EN 16931, Factur-X, BR-FR, CDV) run as a gate."""

from charte.io.einvoicing.gate import (
    DocumentRefusedError,
    GateReport,
    RuleFinding,
    Syntax,
    require_valid,
    validate,
    warm_up,
)

__all__ = ["DocumentRefusedError", "GateReport", "RuleFinding", "Syntax", "require_valid", "validate", "warm_up"]
