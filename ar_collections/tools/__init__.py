from . import amount_to_chinese
