from . import ar_partner_blacklist
from . import ar_credit_release_wizard
from . import ar_aging_report_wizard
from . import account_move_ar_exclude
from . import ar_write_off_recovery_wizard
