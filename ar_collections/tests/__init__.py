from . import test_credit_profile
from . import test_credit_access
from . import test_invoice_aging
from . import test_collection_stages
from . import test_collection_run
