from . import report_ar_aging
from . import ar_report_xlsx
from . import ar_aging_report
from . import ar_collection_worklist
