from . import credit_insurance_delivery_release
