"""Every command of `twitchwise`, wired in.

Each command group lives in its own module and registers itself on `app` (or on the shared
`import`/`export` groups in `_app.py`); importing them here is what wires them in.
"""

from __future__ import annotations

from . import apple_health as _apple_health  # noqa: F401
from . import assess as _assess  # noqa: F401
from . import backup as _backup  # noqa: F401
from . import diary as _diary  # noqa: F401
from . import diary_io as _diary_io  # noqa: F401
from . import fhir as _fhir  # noqa: F401
from . import insights as _insights  # noqa: F401
from . import report as _report  # noqa: F401
from . import serve as _serve  # noqa: F401
from . import users as _users  # noqa: F401
from . import wearables as _wearables  # noqa: F401
from . import worker as _worker  # noqa: F401
from ._app import app

__all__ = ["app"]
