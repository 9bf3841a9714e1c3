from . import credit_hold_decision
from . import credit_limit_update
from . import credit_dispute
from . import credit_limit_request_decision
from . import credit_dunning_wizard
from . import credit_dunning_wizard_line
from . import credit_ageing_wizard
from . import credit_dso_wizard
