from . import test_cover
from . import test_figures
from . import test_holds
