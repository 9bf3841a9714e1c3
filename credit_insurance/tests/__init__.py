from . import test_alert
from . import test_cover
from . import test_coverage_report
from . import test_declaration
from . import test_figures
from . import test_holds
from . import test_overdue
from . import test_remote
