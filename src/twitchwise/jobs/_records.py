"""What an import job is, as read back from the database (any server process can show it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twitchwise.diary import ImportStats
    from twitchwise.importers import ImportSummary

STATES = ("receiving", "reading", "storing", "finished", "failed")
"""`receiving`: the upload is still being stored (never shown); `reading`: queued or being read;
`storing`: read whole, being written in one diary transaction; then `finished` or `failed`."""


@dataclass(frozen=True)
class JobSummary:
    """What a finished import found and changed, kept as JSON on the job's row."""

    metrics: dict[str, int] = field(default_factory=dict)
    """Days filled per diary measure."""
    days: int = 0
    first_day: date | None = None
    last_day: date | None = None
    records_used: int = 0
    values: int = 0
    skipped_types: list[str] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @classmethod
    def of(cls, summary: ImportSummary, stats: ImportStats) -> JobSummary:
        return cls(
            metrics=dict(summary.metrics),
            days=summary.days,
            first_day=summary.first_day,
            last_day=summary.last_day,
            records_used=summary.records_used,
            values=summary.values,
            skipped_types=list(summary.skipped_types),
            ignored=dict(summary.ignored),
            notes=list(summary.notes),
            added=stats.added,
            updated=stats.updated,
            unchanged=stats.unchanged,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_day", "last_day"):
            data[key] = data[key].isoformat() if data[key] is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobSummary:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("first_day", "last_day"):
            if known.get(key):
                known[key] = date.fromisoformat(known[key])
        return cls(**known)


@dataclass(frozen=True)
class ImportJob:
    """One person's import of one uploaded export."""

    id: str
    filename: str
    state: str
    done: int = 0
    total: int | None = None
    kind: str | None = None
    """The importer's name (`health-connect`), also the diary's import source."""
    label: str | None = None
    """The same in words (`Health Connect`), found by content whatever the file is called."""
    error: str | None = None
    summary: JobSummary | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def percent(self) -> int | None:
        if self.state == "finished":
            return 100
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in ("finished", "failed")
