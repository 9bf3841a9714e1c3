from . import models
from . import wizard


def uninstall_hook(env):
    """The triggers that mark the customers whose exposure changed, and their table,
    go with the add-on."""
    env["credit.exposure.stale"]._credit_uninstall()
