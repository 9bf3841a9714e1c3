from . import credit_hold_decision
from . import credit_limit_update
