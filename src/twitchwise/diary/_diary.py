"""The Diary: twitches, check-ins, imported day values, experiments and assessments, stored.

Every write is one transaction; bad input raises DiaryError naming the field before anything is
written. A value typed in a check-in always beats a value imported from another app.

A Diary is one person's: every query here is limited to `person_id` (`_mine`), every new row is
theirs, and on PostgreSQL each transaction also names the person for row-level security, so a
query that forgot its filter would still see nobody else's rows. A diary without accounts is the
local person's (`LOCAL_PERSON`); a server opens one engine and a Diary per signed-in person with
`for_person`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
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
from ._errors import DatabaseFailure, DiaryError, NotFoundError, Problem
from ._models import (
    LOCAL_PERSON,
    AssessmentRow,
    CheckInRow,
    DayValueRow,
    ExperimentRow,
    ImportJobRow,
    PushSubscriptionRow,
    TwitchRow,
    UploadChunkRow,
)
from ._rules import checked_day_values, raise_if
from ._store import WRITE, WRITE_LOCK, open_engine, scrub
from ._validate import check_checkin, check_client_id, check_day, check_twitch

if TYPE_CHECKING:
    import pandas as pd


ERASED_MODELS = (TwitchRow, CheckInRow, DayValueRow, AssessmentRow, ExperimentRow)
KEPT_BESIDE = (UploadChunkRow, ImportJobRow, PushSubscriptionRow)
"""Rows of the person's that are not the diary (no backup holds them) but go when it is erased:
an upload waiting in the database, the import history, the browsers that get reminders."""


Owned = TwitchRow | CheckInRow | DayValueRow | AssessmentRow | ExperimentRow


class Diary:
    """A person's diary in a database. Use `Diary.open(url)` or `Diary.memory()`; a server
    opens one and asks it `for_person(id)` for each signed-in person."""

    def __init__(self, engine: Engine, url: str, person_id: int = LOCAL_PERSON) -> None:
        if not _is_row_id(person_id):
            raise DiaryError("person", f"{person_id!r} is not a person's id")
        self.engine = engine
        self.url = url
        self.person_id = person_id
        self._writer = engine.execution_options(**{WRITE: True})
        shared = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
        # An in-memory diary is one connection: threads (a web app's) take turns on it.
        self._turn: AbstractContextManager[Any] = threading.RLock() if shared else nullcontext()
        self._writes = 0  # bumped by every write through this object (see last_change)
        self._owns_engine = True

    @classmethod
    def open(cls, url: str | None = None, person_id: int = LOCAL_PERSON) -> Self:
        """Open (creating and migrating as needed) the diary at `url`; default: the user's."""
        if url is None:
            from twitchwise._datadir import default_db_url

            url = default_db_url()
        return cls(open_engine(url), url, person_id)

    def for_person(self, person_id: int) -> Diary:
        """The diary of `person_id` in the same database, sharing this one's connections (its
        `close` leaves them open). The caller has checked who is asking."""
        view = Diary.__new__(Diary)
        view.__dict__.update(self.__dict__)
        if not _is_row_id(person_id):
            raise DiaryError("person", f"{person_id!r} is not a person's id")
        view.person_id = person_id
        view._writes = 0
        view._owns_engine = False
        return view

    def _mine(self, model: type[Owned]) -> Any:
        """The condition every query on an owned table carries: this person's rows only."""
        return model.person_id == self.person_id

    @classmethod
    def memory(cls) -> Self:
        """A fresh in-memory diary (SQLite), for tests and trying things out."""
        return cls.open("sqlite://")

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    def ping(self) -> None:
        """Raise DatabaseFailure unless the database answers a query (for health checks)."""
        with self._read() as session:
            session.execute(text("SELECT 1"))

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
            self._name_person(session)
            yield session

    def _name_person(self, session: Session) -> None:
        """PostgreSQL: name this transaction's person for the row-level security policies."""
        if self.engine.dialect.name == "postgresql":
            session.execute(
                text("SELECT set_config('twitchwise.person_id', :person, true)"),
                {"person": str(self.person_id)},
            )

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
            self._name_person(session)
            if self.engine.dialect.name == "postgresql":  # one writer per person at a time
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:key, :person)"),
                    {"key": WRITE_LOCK, "person": self.person_id},
                )
            self._writes += 1
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
        client_id: str | None = None,
    ) -> Twitch:
        """Log a twitch episode; `time` defaults to now, a naive time is the machine's local.

        `client_id` is the sender's own id for the entry: sent again (a retry after a lost
        answer), it returns the twitch already stored instead of storing a second one."""
        twitch, _stored = self.add_twitch_once(
            site,
            time,
            intensity=intensity,
            count=count,
            duration_s=duration_s,
            note=note,
            client_id=client_id,
        )
        return twitch

    def add_twitch_once(
        self,
        site: str,
        time: datetime | None = None,
        *,
        intensity: int | None = None,
        count: int = 1,
        duration_s: float | None = None,
        note: str | None = None,
        client_id: str | None = None,
    ) -> tuple[Twitch, bool]:
        """`add_twitch`, and whether this call stored the twitch (False: the one stored with
        this `client_id` came back as it was). One write transaction either way, so an API
        retry costs no extra round trip to find out."""
        client_id = check_client_id(client_id)
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
            twin = self._client_twitch(session, client_id)
            if twin is not None:
                return to_twitch(twin), False
            row = TwitchRow(
                **twitch_columns(clean),
                person_id=self.person_id,
                created_at=utc_now(),
                client_id=client_id,
            )
            session.add(row)
            session.flush()
            self._twitched_on(session, row.local_day)
            return to_twitch(row), True

    def twitch_by_client_id(self, client_id: str) -> Twitch | None:
        """The twitch stored with the sender's `client_id`, if any (a retry tells by it that its
        first attempt arrived)."""
        wanted = check_client_id(client_id)
        with self._read() as session:
            row = self._client_twitch(session, wanted)
            return to_twitch(row) if row is not None else None

    def _client_twitch(self, session: Session, client_id: str | None) -> TwitchRow | None:
        """This person's twitch stored with `client_id` (None for no id)."""
        if client_id is None:
            return None
        query = select(TwitchRow).where(self._mine(TwitchRow), TwitchRow.client_id == client_id)
        return session.scalars(query).first()

    def get_twitch(self, twitch_id: int) -> Twitch:
        with self._read() as session:
            return to_twitch(self._twitch_row(session, twitch_id))

    def _twitch_row(self, session: Session, twitch_id: int) -> TwitchRow:
        row = None
        if _is_row_id(twitch_id):
            query = select(TwitchRow).where(TwitchRow.id == twitch_id, self._mine(TwitchRow))
            row = session.scalars(query).first()
        if row is None:
            raise NotFoundError("id", f"no twitch with id {twitch_id}")
        return row

    def list_twitches(self, start: date | None = None, end: date | None = None) -> list[Twitch]:
        """Episodes whose local day is within [start, end], oldest first."""
        query = select(TwitchRow).where(
            self._mine(TwitchRow), *between(TwitchRow.local_day, start, end)
        )
        with self._read() as session:
            rows = session.scalars(query.order_by(TwitchRow.at_utc, TwitchRow.id))
            return [to_twitch(row) for row in rows]

    def twitch_page(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        after: tuple[datetime, int] | None = None,
        limit: int = 1000,
    ) -> list[Twitch]:
        """At most `limit` episodes of [start, end], oldest first, after the position `after`
        (`Twitch.position` of the last one already seen): keyset pagination, so a page costs
        the same wherever it is and a diary of any size is read in bounded pieces."""
        query = select(TwitchRow).where(
            self._mine(TwitchRow), *between(TwitchRow.local_day, start, end)
        )
        if after is not None:
            at, last_id = after
            query = query.where(
                (TwitchRow.at_utc > at) | ((TwitchRow.at_utc == at) & (TwitchRow.id > last_id))
            )
        query = query.order_by(TwitchRow.at_utc, TwitchRow.id).limit(limit)
        with self._read() as session:
            return [to_twitch(row) for row in session.scalars(query)]

    def iter_twitches(
        self, start: date | None = None, end: date | None = None, *, batch: int = 1000
    ) -> Iterator[Twitch]:
        """Every episode of [start, end], oldest first, read `batch` at a time (each batch its
        own short read), so exporting a huge diary neither holds it in memory nor locks it."""
        after: tuple[datetime, int] | None = None
        while page := self.twitch_page(start, end, after=after, limit=batch):
            yield from page
            after = twitch_position(page[-1])
            if len(page) < batch:
                return

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
            self._twitched_on(session, row.local_day)
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

    def _day_totals(self, start: date | None, end: date | None) -> Any:
        return (
            select(TwitchRow.local_day, func.sum(TwitchRow.count), func.count(TwitchRow.id))
            .where(self._mine(TwitchRow), *between(TwitchRow.local_day, start, end))
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
                self._refuse_if_twitched(session, day)
            row = self._checkin_row(session, day)
            if row is None:
                row = CheckInRow(
                    person_id=self.person_id,
                    day=day,
                    symptoms=[],
                    medications=[],
                    no_twitches=False,
                )
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

    def _checkin_row(self, session: Session, day: date) -> CheckInRow | None:
        return session.get(CheckInRow, (self.person_id, day))

    def get_checkin(self, day: date) -> CheckIn | None:
        with self._read() as session:
            row = self._checkin_row(session, day)
            return to_checkin(row) if row else None

    def list_checkins(self, start: date | None = None, end: date | None = None) -> list[CheckIn]:
        query = select(CheckInRow).where(
            self._mine(CheckInRow), *between(CheckInRow.day, start, end)
        )
        with self._read() as session:
            return [to_checkin(row) for row in session.scalars(query.order_by(CheckInRow.day))]

    def delete_checkin(self, day: date) -> None:
        with self._write() as session:
            row = self._checkin_row(session, day)
            if row is None:
                raise NotFoundError("date", f"no check-in on {day}")
            session.delete(row)

    # -- imports ----------------------------------------------------------------------------

    def import_day_values(self, values: Iterable[DayValueLike], source: str) -> ImportStats:
        """Store another app's daily values, all or nothing; re-importing replaces, never doubles.

        When the same day and metric appear twice in `values`, the last one counts.
        """
        wanted = checked_day_values(values, source)
        if not wanted:
            return ImportStats()
        with self._write() as session:
            return store_day_values(session, self.person_id, wanted, source)

    def list_day_values(
        self, start: date | None = None, end: date | None = None, source: str | None = None
    ) -> list[tuple[str, DayValue]]:
        """Imported values as (source, value), by day and metric."""
        query = select(DayValueRow).where(
            self._mine(DayValueRow), *between(DayValueRow.day, start, end)
        )
        if source is not None:
            query = query.where(DayValueRow.source == source)
        order = (DayValueRow.day, DayValueRow.metric, DayValueRow.source)
        with self._read() as session:
            return [
                (row.source, DayValue(row.day, row.metric, row.value))
                for row in session.scalars(query.order_by(*order))
            ]

    def day_values_in_use(self) -> dict[tuple[date, str], tuple[str, float]]:
        """The imported value statistics use for each (day, metric), with its source: when
        several apps gave one, the latest import wins (as in `daily_frame`). A check-in's own
        value still beats all of them; callers that show check-ins apply that rule."""
        order = (DayValueRow.imported_at, DayValueRow.id)
        query = select(
            DayValueRow.day, DayValueRow.metric, DayValueRow.source, DayValueRow.value
        ).where(self._mine(DayValueRow))
        with self._read() as session:
            rows = session.execute(query.order_by(*order)).all()
        return {(day, metric): (source, value) for day, metric, source, value in rows}

    def delete_day_values(self, source: str) -> int:
        """Forget everything imported from `source`; returns how many values went."""
        with self._write() as session:
            result = session.execute(
                delete(DayValueRow).where(self._mine(DayValueRow), DayValueRow.source == source)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def import_entries(
        self,
        twitches: Sequence[Mapping[str, Any]],
        checkins: Sequence[Mapping[str, Any]],
        day_values: Mapping[str, Mapping[tuple[date, str], float]] | None = None,
    ) -> ImportStats:
        """Store checked entries in one transaction; idempotent.

        `twitches` are clean twitch fields (see `check_twitch`); a twitch already stored with the
        same fields is not added again (as many copies as the input holds, no more).
        `checkins` are clean check-in columns plus `day`; each replaces that day's check-in.
        `day_values` are checked imported values, {source: {(day, metric): value}}; each replaces
        that source's value of that day and metric (as `import_day_values` does).
        """
        with self._write() as session:
            stats_t = import_twitches(session, self.person_id, twitches)
            stats_d = import_checkins(session, self.person_id, checkins)
            stats_v = _store_sources(session, self.person_id, day_values or {})
        total = ImportStats(
            added=stats_t["added"] + stats_d["added"] + stats_v["added"],
            updated=stats_d["updated"] + stats_v["updated"],
            unchanged=stats_t["unchanged"] + stats_d["unchanged"] + stats_v["unchanged"],
            by_kind={"twitches": stats_t, "days": stats_d, "day_values": stats_v},
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
                    select(CheckInRow).where(
                        self._mine(CheckInRow), *between(CheckInRow.day, start, end)
                    )
                )
            ]
            totals = session.execute(self._day_totals(start, end)).all()
            imported = session.execute(
                select(DayValueRow.day, DayValueRow.metric, DayValueRow.value)
                .where(self._mine(DayValueRow), *between(DayValueRow.day, start, end))
                .order_by(DayValueRow.imported_at, DayValueRow.id)
            ).all()
        return _frame.build(
            checkins,
            {day: (int(total), int(n)) for day, total, n in totals},
            [(day, metric, value) for day, metric, value in imported],
        )

    def last_change(self) -> tuple[object, ...]:
        """A cheap key that changes whenever what `daily_frame()` reads changes, so derived
        statistics can be cached on it: this object's write count, plus per table the row
        count, largest id and latest timestamp (catching writes by other processes, such as
        the CLI next to a running web app). Read-only: one small aggregate query per table."""
        parts: list[object] = [self.person_id, self._writes]
        with self._read() as session:
            for model, count_of, max_id, stamp, extra in (
                (
                    TwitchRow,
                    TwitchRow.id,
                    TwitchRow.id,
                    TwitchRow.created_at,
                    func.sum(TwitchRow.count),
                ),
                (CheckInRow, CheckInRow.day, CheckInRow.day, CheckInRow.updated_at, func.count()),
                (
                    DayValueRow,
                    DayValueRow.id,
                    DayValueRow.id,
                    DayValueRow.imported_at,
                    func.sum(DayValueRow.value),
                ),
            ):
                row = session.execute(
                    select(func.count(count_of), func.max(max_id), func.max(stamp), extra).where(
                        self._mine(model)
                    )
                ).one()
                parts.extend(row)
        return tuple(parts)

    # -- experiments and assessments -----------------------------------------------------

    def save_experiment(self, plan: dict[str, Any]) -> int:
        """Start an experiment; only one runs at a time."""
        if not isinstance(plan, dict):
            raise DiaryError("plan", "must be a JSON object")
        active = self.active_experiment()
        if active is not None:
            raise DiaryError("experiment", f"experiment {active[0]} is still running; end it first")
        with self._write() as session:
            row = ExperimentRow(
                person_id=self.person_id, created_at=utc_now(), status="active", plan=plan
            )
            session.add(row)
            session.flush()
            return row.id

    def active_experiment(self) -> tuple[int, dict[str, Any]] | None:
        query = select(ExperimentRow).where(
            self._mine(ExperimentRow), ExperimentRow.status == "active"
        )
        with self._read() as session:
            row = session.scalars(query.order_by(ExperimentRow.id.desc())).first()
            return (row.id, dict(row.plan)) if row else None

    def list_experiments(self) -> list[Experiment]:
        """All experiments, newest first."""
        with self._read() as session:
            query = select(ExperimentRow).where(self._mine(ExperimentRow))
            rows = session.scalars(query.order_by(ExperimentRow.id.desc()))
            return [to_experiment(row) for row in rows]

    def end_experiment(self, experiment_id: int) -> None:
        with self._write() as session:
            row = None
            if _is_row_id(experiment_id):
                query = select(ExperimentRow).where(
                    ExperimentRow.id == experiment_id, self._mine(ExperimentRow)
                )
                row = session.scalars(query).first()
            if row is None:
                raise NotFoundError("id", f"no experiment with id {experiment_id}")
            row.status, row.ended_at = "ended", utc_now()

    def record_assessment(
        self,
        case: dict[str, Any],
        result: dict[str, Any],
        origin: str,
        *,
        client_id: str | None = None,
    ) -> int:
        """Keep an assessment as given (its case and result as JSON), so advice has a history.
        A `client_id` sent again returns the assessment already kept (see `add_twitch`)."""
        client_id = check_client_id(client_id)
        if not isinstance(case, dict) or not isinstance(result, dict):
            raise DiaryError("case" if not isinstance(case, dict) else "result", "must be a dict")
        if not isinstance(origin, str) or not 1 <= len(origin) <= 32:
            raise DiaryError("origin", "name the origin in 1 to 32 characters (cli, web, api...)")
        triage = result.get("triage")
        with self._write() as session:
            if client_id is not None:
                twin = session.scalar(
                    select(AssessmentRow.id).where(
                        self._mine(AssessmentRow), AssessmentRow.client_id == client_id
                    )
                )
                if twin is not None:
                    return int(twin)
            row = AssessmentRow(
                client_id=client_id,
                person_id=self.person_id,
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
        query = (
            select(AssessmentRow)
            .where(self._mine(AssessmentRow))
            .order_by(AssessmentRow.id.desc())
            .limit(limit)
        )
        with self._read() as session:
            return [to_assessment(row) for row in session.scalars(query)]

    # -- whole tables, for a backup and its restore ---------------------------------------

    @staticmethod
    def tables() -> list[Table]:
        """Every table a backup holds, parents first; rows travel column by column from these
        (without `person_id`: a backup is one person's and restores into anyone's diary)."""
        from ._tables import backup_tables

        return backup_tables()

    def all_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table as {column: value}, read in one transaction (a consistent
        snapshot even while someone writes), by table name, each in primary-key order."""
        from ._tables import table_rows

        with self._read() as session:
            return {
                table.name: table_rows(session, table, self.person_id) for table in self.tables()
            }

    def row_counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        from ._tables import count_rows

        with self._read() as session:
            return count_rows(session, self.person_id)

    def is_empty(self) -> bool:
        return not any(self.row_counts().values())

    def replace_tables(
        self, rows: Mapping[str, Sequence[Mapping[str, Any]]], *, replace: bool = False
    ) -> None:
        """Make the diary hold exactly `rows` (by table name), in one transaction: all or nothing.

        The rows are first held to the rules typed entries are held to (`check_rows`). Without
        `replace` a diary that holds anything is refused, so nothing is overwritten by accident;
        the emptiness check and the writes are in the same write transaction.
        """
        from ._tables import check_rows, count_rows, replace_all

        check_rows(rows)
        with self._write() as session:
            if not replace and any(count_rows(session, self.person_id).values()):
                raise DiaryError("diary", "is not empty; restore into an empty diary or replace it")
            replace_all(session, self.person_id, rows)

    def erase(self) -> None:
        """Delete everything the diary holds (the schema stays), and the copies the database
        keeps of it: old pages, the SQLite write-ahead log, dead PostgreSQL row versions.

        A plain DELETE only marks rows as free; their text stays in the file (and in SQLite's
        `-wal`) until overwritten. See docs/security.md for what a PostgreSQL server still keeps.
        """
        with self._write() as session:
            for model in ERASED_MODELS:
                session.execute(delete(model).where(self._mine(model)))
            for kept in KEPT_BESIDE:  # imports' uploads and history, push subscriptions
                session.execute(delete(kept).where(kept.person_id == self.person_id))
        with self._turn, _database_errors():
            scrub(self.engine, [m.__tablename__ for m in (*ERASED_MODELS, *KEPT_BESIDE)])

    def _twitched_on(self, session: Session, day: date) -> None:
        """A twitch logged on a day marked "no twitches" takes the mark away (the log wins)."""
        row = self._checkin_row(session, day)
        if row is not None and row.no_twitches:
            row.no_twitches = False
            row.updated_at = utc_now()

    def _refuse_if_twitched(self, session: Session, day: date) -> None:
        query = select(func.count(TwitchRow.id)).where(
            self._mine(TwitchRow), TwitchRow.local_day == day
        )
        _refuse_twitched_day(session.scalar(query) or 0, day)


def twitch_position(twitch: Twitch) -> tuple[datetime, int]:
    """Where `twitch` sits in the diary's order (UTC time, id): the key of `twitch_page`."""
    offset = twitch.time.utcoffset() or timedelta(0)
    return (twitch.time - offset).replace(tzinfo=None), twitch.id


def _is_row_id(value: object) -> bool:
    """A possible row id: an int the databases can hold (a larger one is simply not there)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63


def _store_sources(
    session: Session, person_id: int, by_source: Mapping[str, Mapping[tuple[date, str], float]]
) -> dict[str, int]:
    """Imported values of several sources, in the caller's transaction; counts what changed."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for source, wanted in by_source.items():
        stats = store_day_values(session, person_id, dict(wanted), source)
        counts["added"] += stats.added
        counts["updated"] += stats.updated
        counts["unchanged"] += stats.unchanged
    return counts


def _refuse_twitched_day(n: int, day: date) -> None:
    if n:
        raise DiaryError(
            "no_twitches",
            f"{n} twitch episode{'s are' if n != 1 else ' is'} logged on {day}; "
            f"delete {'them' if n != 1 else 'it'} first",
        )


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database that fails (gone, locked too long, disk full, damaged) is reported as a
    DatabaseFailure, not a traceback and not as a bad field."""
    try:
        yield
    except IntegrityError:
        raise
    except OperationalError as exc:
        reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
        raise DatabaseFailure(
            f"the diary is not reachable ({reason}); nothing was lost", retry=True
        ) from exc
    except DatabaseError as exc:
        reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
        raise DatabaseFailure(
            f"the diary's database file is damaged ({reason}); restore it from a backup",
            retry=False,
        ) from exc
