from . import test_credit_profile
from . import test_credit_access
from . import test_calling_days
from . import test_collection_log
from . import test_payment_promise
from . import test_dispute_extension
from . import test_workspace_access
