from . import test_credit_profile
from . import test_credit_access
from . import test_ar_aging_report
from . import test_amount_to_chinese
from . import test_ar_dunning_letter
from . import test_ar_statement
from . import test_ar_scheduled_reports
