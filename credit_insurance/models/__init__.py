from . import credit_insurance_policy
from . import credit_insurance_cover
from . import credit_insurance_cover_line
from . import credit_exposure
from . import credit_hold_reason
from . import credit_policy
from . import res_partner
from . import sale_order
