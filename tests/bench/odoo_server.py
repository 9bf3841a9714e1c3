"""Serve a bench database as ``scripts/odoo.sh`` does, without a long-polling process.

``databases.Server`` runs ``python odoo_server.py <the options of scripts/odoo.sh>
--workers=2 ...``: this script then runs ``odoo-bin``.  Odoo's prefork master spawns
``<this script> gevent ...`` for long-polling and spawns it again whenever it exits.
In the project's virtual environment that process dies as it starts (gevent 22.10.2
loads its plugins through ``pkg_resources``, which does not find ``zope.interface``:
``DistributionNotFound``), so the master would start it again about every second, a
second Odoo start-up a second stealing CPU from the workers being measured.  The bench
needs no long-polling: as ``gevent``, this script waits until it is stopped.
"""

import signal
import sys

if sys.argv[1:2] == ["gevent"]:
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    while True:
        signal.pause()

import odoo.cli  # noqa: E402  (not imported by the long-polling stand-in)

odoo.cli.main()
