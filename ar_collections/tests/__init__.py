from . import test_credit_profile
from . import test_credit_access
from . import test_calling_days
from . import test_collection_log
from . import test_payment_promise
