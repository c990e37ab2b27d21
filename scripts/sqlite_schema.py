"""Write src/twitchwise/diary/schema.sqlite.sql from the migrations.

Run it after adding or changing a migration (``.venv/bin/python scripts/sqlite_schema.py``);
tests/diary/test_sqlite_schema.py fails until the snapshot matches what the migrations build.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from twitchwise.diary._sqlite import SCHEMA_FILE
from twitchwise.diary._store import migrated_sqlite_snapshot

TARGET = Path(__file__).resolve().parent.parent / "src" / "twitchwise" / "diary" / SCHEMA_FILE


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = migrated_sqlite_snapshot(Path(folder) / "diary.db")
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
