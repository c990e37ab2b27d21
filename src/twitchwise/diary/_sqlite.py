"""What opening a SQLite diary needs, without SQLAlchemy: shared by the engine (`_store`) and
the command line's quick path (`_quick`), so both open a diary file the same way."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

BUSY_TIMEOUT_S = 30


def connection_pragmas(memory: bool) -> list[str]:
    """The statements every new SQLite connection runs first."""
    pragmas = [] if memory else ["PRAGMA journal_mode=WAL"]
    return [
        *pragmas,
        f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}",
        # Deleted text is overwritten with zeros, not left in free pages (a diary is health data).
        "PRAGMA secure_delete=ON",
        "PRAGMA foreign_keys=ON",
    ]


_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"""^(?:"([^"]+)"|'([^']+)')$""")


@cache
def plain_head() -> str | None:
    """The head revision, read from the version files without Alembic (which takes longer to
    import than the rest of a `twitchwise log`); None unless the history is a plain line.

    Only a shortcut: None, or any doubt, means the caller asks Alembic (or takes the slow path).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = files("twitchwise.diary").joinpath("migrations", "versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        text_ = entry.read_text(encoding="utf-8")
        found = {m.group(1): m.group(2) for m in _ASSIGNED.finditer(text_)}
        revision = _QUOTED.match(found.get("revision", ""))
        parent = found.get("down_revision")
        if revision is None or parent is None:
            return None
        revisions.add(revision.group(1) or revision.group(2))
        if parent != "None":
            quoted = _QUOTED.match(parent)
            if quoted is None:
                return None  # a merge (a tuple) or something unusual: let Alembic decide
            parents.add(quoted.group(1) or quoted.group(2))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None
