from . import ar_partner_blacklist
from . import account_move_ar_exclude
