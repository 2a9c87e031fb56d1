"""The API's resources beyond api.py, one ninja Router per app, each with its schemas.

api.py registers each router at its end (``api.add_router``), and each router imports
api.py's helpers (``listed``, ``Keyset``, ``exact``, ``error`` …). Importing a router
module first would find api.py half-loaded; so the package loads api.py before any of its
modules: by the time api.py's last lines import the routers, every helper is defined.
"""

import zhaoshang.api.api  # noqa: F401 (see above)
