from . import credit_commitment
from . import credit_exposure
from . import credit_exposure_stale
from . import credit_hold_reason
from . import credit_policy
