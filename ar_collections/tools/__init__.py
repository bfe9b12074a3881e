from . import amount_to_chinese
from . import mail_composer
