"""End of contract (SP2C charter axis 7: notice, ramp-down) and liability caps (axis 8)."""

from charte.exit.liability import BilledMonth, CapPosition, billed_month, cap_positions
from charte.exit.notice import NoticeAssessment, NoticeError, assess_notice
from charte.exit.ramp_down import RampDownMonth, RampDownPlan, ramp_down_plan

__all__ = ["BilledMonth", "CapPosition", "NoticeAssessment", "NoticeError", "RampDownMonth", "RampDownPlan",
           "assess_notice", "billed_month", "cap_positions", "ramp_down_plan"]
