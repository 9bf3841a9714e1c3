from . import credit_insurance_decision
