from . import ar_partner_blacklist
