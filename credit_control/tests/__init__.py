from . import test_exposure
from . import test_hold
from . import test_rights
from . import test_concurrency
from . import test_remote
