from . import test_credit_profile
from . import test_credit_access
from . import test_credit_hold
from . import test_delivery_lock
from . import test_credit_hold_performance
