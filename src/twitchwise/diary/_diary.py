"""The Diary: twitches, check-ins, imported day values, experiments and assessments, stored.

Every write is one transaction; bad input raises DiaryError naming the field before anything is
written. A value typed in a check-in always beats a value imported from another app.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ._bulk import between, empty_checkin, import_checkins, import_twitches, store_day_values
from ._convert import (
    checkin_columns,
    to_assessment,
    to_checkin,
    to_experiment,
    to_twitch,
    twitch_columns,
    utc_now,
)
from ._entries import (
    AssessmentRecord,
    CheckIn,
    DayValue,
    DayValueLike,
    Experiment,
    ImportStats,
    Twitch,
)
from ._errors import DiaryError, NotFoundError, Problem
from ._models import AssessmentRow, CheckInRow, DayValueRow, ExperimentRow, TwitchRow
from ._store import WRITE, WRITE_LOCK, open_engine
from ._validate import check_checkin, check_day, check_day_value, check_twitch, raise_if

if TYPE_CHECKING:
    import pandas as pd


class Diary:
    """A person's diary in a database. Use `Diary.open(url)` or `Diary.memory()`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._writer = engine.execution_options(**{WRITE: True})
        shared = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
        # An in-memory diary is one connection: threads (a web app's) take turns on it.
        self._turn: AbstractContextManager[Any] = threading.RLock() if shared else nullcontext()

    @classmethod
    def open(cls, url: str | None = None) -> Self:
        """Open (creating and migrating as needed) the diary at `url`; default: the user's."""
        if url is None:
            from twitchwise.settings import default_db_url

            url = default_db_url()
        return cls(open_engine(url), url)

    @classmethod
    def memory(cls) -> Self:
        """A fresh in-memory diary (SQLite), for tests and trying things out."""
        return cls.open("sqlite://")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._turn, _database_errors(), Session(self.engine) as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction at a time per diary (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
        advisory lock), so concurrent upserts and re-imports cannot race into doubles."""
        with (
            self._turn,
            _database_errors(),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            if self.engine.dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield session

    # -- twitches ---------------------------------------------------------------------------

    def add_twitch(
        self,
        site: str,
        time: datetime | None = None,
        *,
        intensity: int | None = None,
        count: int = 1,
        duration_s: float | None = None,
        note: str | None = None,
    ) -> Twitch:
        """Log a twitch episode; `time` defaults to now, a naive time is the machine's local."""
        values = {
            "site": site,
            "time": time
            if time is not None
            else datetime.now().astimezone().replace(microsecond=0),
            "intensity": intensity,
            "count": count,
            "duration_s": duration_s,
            "note": note,
        }
        clean, problems = check_twitch(values)
        raise_if(problems)
        with self._write() as session:
            row = TwitchRow(**twitch_columns(clean), created_at=utc_now())
            session.add(row)
            session.flush()
            _twitched_on(session, row.local_day)
            return to_twitch(row)

    def get_twitch(self, twitch_id: int) -> Twitch:
        with self._read() as session:
            return to_twitch(self._twitch_row(session, twitch_id))

    @staticmethod
    def _twitch_row(session: Session, twitch_id: int) -> TwitchRow:
        row = session.get(TwitchRow, twitch_id) if isinstance(twitch_id, int) else None
        if row is None:
            raise NotFoundError("id", f"no twitch with id {twitch_id}")
        return row

    def list_twitches(self, start: date | None = None, end: date | None = None) -> list[Twitch]:
        """Episodes whose local day is within [start, end], oldest first."""
        query = select(TwitchRow).where(*between(TwitchRow.local_day, start, end))
        with self._read() as session:
            rows = session.scalars(query.order_by(TwitchRow.at_utc, TwitchRow.id))
            return [to_twitch(row) for row in rows]

    def update_twitch(self, twitch_id: int, **changes: Any) -> Twitch:
        """Change some fields of an episode; the result is checked as a whole."""
        with self._write() as session:
            row = self._twitch_row(session, twitch_id)
            current = to_twitch(row)
            values = {
                "time": current.time
                if current.explicit_offset
                else current.time.replace(tzinfo=None),
                "site": current.site,
                "intensity": current.intensity,
                "count": current.count,
                "duration_s": current.duration_s,
                "note": current.note,
            }
            unknown = [Problem(k, "is not a field of a twitch") for k in changes if k not in values]
            raise_if(unknown)
            clean, problems = check_twitch({**values, **changes})
            raise_if(problems)
            for name, value in twitch_columns(clean).items():
                setattr(row, name, value)
            session.flush()
            _twitched_on(session, row.local_day)
            return to_twitch(row)

    def delete_twitch(self, twitch_id: int) -> None:
        with self._write() as session:
            session.delete(self._twitch_row(session, twitch_id))

    def twitch_counts_by_day(self, start: date | None = None, end: date | None = None) -> pd.Series:
        """Total twitches (sum of episode counts) for every local day that has any."""
        from . import _frame  # pandas loads only when a frame is asked for

        with self._read() as session:
            rows = session.execute(self._day_totals(start, end)).all()
        return _frame.counts_series({day: int(total) for day, total, _ in rows})

    @staticmethod
    def _day_totals(start: date | None, end: date | None) -> Any:
        return (
            select(TwitchRow.local_day, func.sum(TwitchRow.count), func.count(TwitchRow.id))
            .where(*between(TwitchRow.local_day, start, end))
            .group_by(TwitchRow.local_day)
        )

    # -- check-ins --------------------------------------------------------------------------

    def save_checkin(self, day: date, *, replace: bool = False, **values: Any) -> CheckIn:
        """Create or update the check-in of `day`.

        Only the given columns change (None clears one), unless `replace` is true, in which case
        the check-in becomes exactly `values`.
        """
        day = check_day(day)
        clean, problems = check_checkin(values)
        raise_if(problems)
        with self._write() as session:
            if clean.get("no_twitches"):
                _refuse_if_twitched(session, day)
            row = session.get(CheckInRow, day)
            if row is None:
                row = CheckInRow(day=day, symptoms=[], medications=[], no_twitches=False)
                session.add(row)
            if replace:
                clean = {**empty_checkin(), **clean}
            elif "caffeine_mg" in clean and "drinks" not in clean:
                clean["drinks"] = ()  # a new total no longer comes from the drinks counted
            for name, value in checkin_columns(clean).items():
                setattr(row, name, value)
            row.updated_at = utc_now()
            session.flush()
            return to_checkin(row)

    def mark_no_twitches(self, day: date) -> CheckIn:
        """Say `day` had no twitches, so it counts as a tracked day with zero (creating an empty
        check-in when there is none); refused when twitches are logged that day."""
        return self.save_checkin(day, no_twitches=True)

    def get_checkin(self, day: date) -> CheckIn | None:
        with self._read() as session:
            row = session.get(CheckInRow, day)
            return to_checkin(row) if row else None

    def list_checkins(self, start: date | None = None, end: date | None = None) -> list[CheckIn]:
        query = select(CheckInRow).where(*between(CheckInRow.day, start, end))
        with self._read() as session:
            return [to_checkin(row) for row in session.scalars(query.order_by(CheckInRow.day))]

    def delete_checkin(self, day: date) -> None:
        with self._write() as session:
            row = session.get(CheckInRow, day)
            if row is None:
                raise NotFoundError("date", f"no check-in on {day}")
            session.delete(row)

    # -- imports ----------------------------------------------------------------------------

    def import_day_values(self, values: Iterable[DayValueLike], source: str) -> ImportStats:
        """Store another app's daily values, all or nothing; re-importing replaces, never doubles.

        When the same day and metric appear twice in `values`, the last one counts.
        """
        if not isinstance(source, str) or not source.strip() or len(source) > 64:
            raise DiaryError("source", "name the source in 1 to 64 characters")
        wanted: dict[tuple[date, str], float] = {}
        problems = []
        for n, item in enumerate(values, start=1):
            reason = check_day_value(item.metric, item.value)
            try:
                check_day(item.day, field=f"values[{n}].day")
            except DiaryError as exc:
                problems.extend(exc.problems)
            if reason:
                problems.append(Problem(f"values[{n}]", reason))
            else:
                wanted[(item.day, item.metric)] = float(item.value)
        raise_if(problems)
        if not wanted:
            return ImportStats()
        with self._write() as session:
            return store_day_values(session, wanted, source)

    def list_day_values(
        self, start: date | None = None, end: date | None = None, source: str | None = None
    ) -> list[tuple[str, DayValue]]:
        """Imported values as (source, value), by day and metric."""
        query = select(DayValueRow).where(*between(DayValueRow.day, start, end))
        if source is not None:
            query = query.where(DayValueRow.source == source)
        order = (DayValueRow.day, DayValueRow.metric, DayValueRow.source)
        with self._read() as session:
            return [
                (row.source, DayValue(row.day, row.metric, row.value))
                for row in session.scalars(query.order_by(*order))
            ]

    def delete_day_values(self, source: str) -> int:
        """Forget everything imported from `source`; returns how many values went."""
        with self._write() as session:
            result = session.execute(delete(DayValueRow).where(DayValueRow.source == source))
            return int(getattr(result, "rowcount", 0) or 0)

    def import_entries(
        self, twitches: Sequence[Mapping[str, Any]], checkins: Sequence[Mapping[str, Any]]
    ) -> ImportStats:
        """Store checked entries in one transaction; idempotent.

        `twitches` are clean twitch fields (see `check_twitch`); a twitch already stored with the
        same fields is not added again (as many copies as the input holds, no more).
        `checkins` are clean check-in columns plus `day`; each replaces that day's check-in.
        """
        with self._write() as session:
            stats_t = import_twitches(session, twitches)
            stats_d = import_checkins(session, checkins)
        total = ImportStats(
            added=stats_t["added"] + stats_d["added"],
            updated=stats_d["updated"],
            unchanged=stats_t["unchanged"] + stats_d["unchanged"],
            by_kind={"twitches": stats_t, "days": stats_d},
        )
        return total

    # -- what statistics and the assessment read ------------------------------------------

    def daily_frame(self, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        """One row per tracked day (a day with a check-in); see `_frame.build` for columns."""
        from . import _frame

        with self._read() as session:
            checkins = [
                to_checkin(r)
                for r in session.scalars(
                    select(CheckInRow).where(*between(CheckInRow.day, start, end))
                )
            ]
            totals = session.execute(self._day_totals(start, end)).all()
            imported = session.execute(
                select(DayValueRow.day, DayValueRow.metric, DayValueRow.value)
                .where(*between(DayValueRow.day, start, end))
                .order_by(DayValueRow.imported_at, DayValueRow.id)
            ).all()
        return _frame.build(
            checkins,
            {day: (int(total), int(n)) for day, total, n in totals},
            [(day, metric, value) for day, metric, value in imported],
        )

    # -- experiments and assessments -----------------------------------------------------

    def save_experiment(self, plan: dict[str, Any]) -> int:
        """Start an experiment; only one runs at a time."""
        if not isinstance(plan, dict):
            raise DiaryError("plan", "must be a JSON object")
        active = self.active_experiment()
        if active is not None:
            raise DiaryError("experiment", f"experiment {active[0]} is still running; end it first")
        with self._write() as session:
            row = ExperimentRow(created_at=utc_now(), status="active", plan=plan)
            session.add(row)
            session.flush()
            return row.id

    def active_experiment(self) -> tuple[int, dict[str, Any]] | None:
        query = select(ExperimentRow).where(ExperimentRow.status == "active")
        with self._read() as session:
            row = session.scalars(query.order_by(ExperimentRow.id.desc())).first()
            return (row.id, dict(row.plan)) if row else None

    def list_experiments(self) -> list[Experiment]:
        """All experiments, newest first."""
        with self._read() as session:
            rows = session.scalars(select(ExperimentRow).order_by(ExperimentRow.id.desc()))
            return [to_experiment(row) for row in rows]

    def end_experiment(self, experiment_id: int) -> None:
        with self._write() as session:
            row = session.get(ExperimentRow, experiment_id)
            if row is None:
                raise NotFoundError("id", f"no experiment with id {experiment_id}")
            row.status, row.ended_at = "ended", utc_now()

    def record_assessment(self, case: dict[str, Any], result: dict[str, Any], origin: str) -> int:
        """Keep an assessment as given (its case and result as JSON), so advice has a history."""
        if not isinstance(case, dict) or not isinstance(result, dict):
            raise DiaryError("case" if not isinstance(case, dict) else "result", "must be a dict")
        if not isinstance(origin, str) or not 1 <= len(origin) <= 32:
            raise DiaryError("origin", "name the origin in 1 to 32 characters (cli, web, api...)")
        triage = result.get("triage")
        with self._write() as session:
            row = AssessmentRow(
                created_at=utc_now(),
                origin=origin,
                triage=triage if isinstance(triage, str) else None,
                case=case,
                result=result,
            )
            session.add(row)
            session.flush()
            return row.id

    def list_assessments(self, limit: int | None = 20) -> list[AssessmentRecord]:
        """Assessments, newest first."""
        query = select(AssessmentRow).order_by(AssessmentRow.id.desc()).limit(limit)
        with self._read() as session:
            return [to_assessment(row) for row in session.scalars(query)]

    def erase(self) -> None:
        """Delete everything the diary holds (the schema stays)."""
        with self._write() as session:
            for model in (TwitchRow, CheckInRow, DayValueRow, AssessmentRow, ExperimentRow):
                session.execute(delete(model))


def _twitched_on(session: Session, day: date) -> None:
    """A twitch logged on a day marked "no twitches" takes the mark away (the log wins)."""
    row = session.get(CheckInRow, day)
    if row is not None and row.no_twitches:
        row.no_twitches = False
        row.updated_at = utc_now()


def _refuse_if_twitched(session: Session, day: date) -> None:
    n = session.scalar(select(func.count(TwitchRow.id)).where(TwitchRow.local_day == day))
    if n:
        raise DiaryError(
            "no_twitches",
            f"{n} twitch episode{'s are' if n != 1 else ' is'} logged on {day}; "
            f"delete {'them' if n != 1 else 'it'} first",
        )


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database that fails (gone, locked too long, disk full) is reported, not a traceback."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
        raise DiaryError("db", f"the database failed: {reason}") from exc
