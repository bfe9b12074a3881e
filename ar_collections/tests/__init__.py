from . import test_credit_profile
from . import test_credit_access
from . import test_ar_aging_report
