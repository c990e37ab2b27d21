"""The diary's one exception family: every error names the field (and, for files, where).

DiaryError            bad input; `.problems` lists each (field, message, file, line)
 └── NotFoundError    an id or day that the diary does not hold
DatabaseFailure       not the input's fault: the database is unreachable, locked or damaged
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the caller knows."""

    field: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file} line {self.line}, " if self.line else f"{self.file}: "
        column = f"column {self.field}" if self.file and self.line else self.field
        return f"{where}{column}: {self.message}"


class DiaryError(ValueError):
    """Input the diary refuses; nothing was written."""

    def __init__(self, field: str, message: str, *, problems: list[Problem] | None = None):
        self.problems = problems or [Problem(field, message)]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> DiaryError:
        first = problems[0]
        return cls(first.field, first.message, problems=problems)

    @property
    def field(self) -> str:
        return self.problems[0].field


class NotFoundError(DiaryError):
    """The diary holds no entry with that id (or no check-in for that day)."""


class DatabaseFailure(Exception):
    """The database failed (down, locked too long, disk full, damaged); the input was fine.

    Kept apart from DiaryError so no caller mistakes it for a bad field or a missing entry: the
    web answers 503 with Retry-After (`retry` is true) or 500 for a damaged file, the CLI one line.
    """

    field = "db"

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(f"db: {message}")
        self.message, self.retry = message, retry
