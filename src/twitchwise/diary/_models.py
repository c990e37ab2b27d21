"""The tables. Times are naive UTC plus the offset they were given in; a day is the local day.

The Alembic migrations in `migrations/versions/` create exactly these tables; a test compares them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TwitchRow(Base):
    __tablename__ = "twitches"
    __table_args__ = (
        CheckConstraint("intensity BETWEEN 1 AND 5", name="intensity_range"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("duration_s >= 0", name="duration_nonnegative"),
        Index("ix_twitches_local_day", "local_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_utc: Mapped[datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    explicit_offset: Mapped[bool] = mapped_column()
    local_day: Mapped[date] = mapped_column(Date)
    site: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CheckInRow(Base):
    __tablename__ = "checkins"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    caffeine_mg: Mapped[float | None] = mapped_column(Float)
    alcohol_drinks: Mapped[float | None] = mapped_column(Float)
    water_litres: Mapped[float | None] = mapped_column(Float)
    stress_level: Mapped[float | None] = mapped_column(Float)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    hard_exercise: Mapped[bool | None] = mapped_column()
    symptoms: Mapped[list[str]] = mapped_column(JSON)
    medications: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # The drinks as counted ({drink id: count}), so an edit shows them again; caffeine_mg is the
    # total (drinks plus any other caffeine) that statistics read.
    drinks: Mapped[dict[str, float] | None] = mapped_column(JSON)
    # "No twitches today": the person says the day had none, so a zero is a tracked zero.
    no_twitches: Mapped[bool] = mapped_column(server_default=false())


class DayValueRow(Base):
    __tablename__ = "day_values"
    __table_args__ = (
        UniqueConstraint("day", "metric", "source"),
        Index("ix_day_values_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    origin: Mapped[str] = mapped_column(String(32))
    triage: Mapped[str | None] = mapped_column(String(16))
    case: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class ExperimentRow(Base):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
