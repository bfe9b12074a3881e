from . import ar_aging
from . import ar_credit_grade
from . import res_company
from . import res_config_settings
from . import res_partner
from . import ar_collection_stage
from . import account_move
from . import ar_dunning_letter
