from . import ar_aging_report
from . import ar_report_xlsx
from . import ar_aging_analysis
from . import ar_collection_worklist
