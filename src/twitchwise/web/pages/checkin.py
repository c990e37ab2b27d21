"""The daily check-in: sleep, caffeine (by drinks), alcohol, fluids, stress, exercise, symptoms.

Errors are shown next to their field and everything typed is kept; nothing is saved until the
whole form is valid.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from twitchwise.diary import CheckIn, Diary, DiaryError
from twitchwise.engine._vocab import SYMPTOM_IDS
from twitchwise.knowledge import load_knowledge

from .._deps import get_diary
from ._common import Form, redirect, render
from ._drinks import caffeine_from_drinks, checkin_summary, drinks

router = APIRouter()

NUMBERS: dict[str, tuple[float, float]] = {
    "sleep_hours": (0, 24),
    "alcohol_drinks": (0, 100),
    "water_litres": (0, 20),
    "stress_level": (0, 10),
    "exercise_minutes": (0, 1440),
}


#: The drinks shown at once; the others fold away under "More drinks" (a shorter form on a phone).
COMMON_DRINKS = ("coffee", "espresso", "black_tea", "cola")

LABELS = {
    "date": "Day",
    "sleep_hours": "Hours slept",
    "stress_level": "Stress",
    "caffeine_mg": "Other caffeine",
    "water_litres": "Fluids",
    "alcohol_drinks": "Alcoholic drinks",
    "exercise_minutes": "Exercise",
    "hard_exercise": "Hard exercise",
    "symptoms": "Symptoms",
    "medications": "Medicines",
    "notes": "Notes",
}


def _symptoms() -> list[tuple[str, str]]:
    kb = load_knowledge()
    return [(s, kb.symptoms[s].label) for s in SYMPTOM_IDS if s in kb.symptoms]


def _flag_levels(symptoms: tuple[str, ...]) -> dict[str, str]:
    """Red-flag symptoms among `symptoms`, with the triage level each raises on its own."""
    levels = {rf.id: rf.level for rf in load_knowledge().red_flags}
    return {s: levels[s] for s in symptoms if s in levels}


def _values_of(checkin: CheckIn | None, day: date) -> dict[str, Any]:
    """The form's fields for a stored check-in: drinks as counted, "other" caffeine as the rest."""
    if checkin is None:
        return {"date": day.isoformat()}
    values: dict[str, Any] = {"date": day.isoformat()}
    for name in NUMBERS:
        value = getattr(checkin, name)
        values[name] = "" if value is None else f"{value:g}"
    counted = dict(checkin.drinks)
    for drink_id, count in counted.items():
        values[f"drink_{drink_id}"] = f"{count:g}"
    values["caffeine_mg"] = _other_caffeine(checkin.caffeine_mg, counted)
    values["no_twitches"] = "yes" if checkin.no_twitches else ""
    hard = checkin.hard_exercise
    values["hard_exercise"] = "" if hard is None else ("yes" if hard else "no")
    values["medications"] = "\n".join(checkin.medications)
    values["notes"] = checkin.notes or ""
    return values


def _other_caffeine(total: float | None, counted: dict[str, float]) -> str:
    """What the total holds beyond the counted drinks ("" when nothing is left)."""
    if total is None:
        return ""
    rest = total - (caffeine_from_drinks(counted) or 0)
    return f"{round(rest, 1):g}" if rest >= 0.5 else ""


def _page(
    request: Request,
    diary: Diary,
    values: dict[str, Any],
    errors: dict[str, str],
    checked: set[str],
    status: int = 200,
    saved: CheckIn | None = None,
) -> HTMLResponse:
    day = _parse_day(values.get("date")) or _today()
    return render(
        request,
        "checkin.html",
        "checkin",
        status,
        values=values,
        errors=errors,
        checked=checked,
        symptoms=_symptoms(),
        drinks=drinks(),
        common_drinks=COMMON_DRINKS,
        saved=saved,
        labels=LABELS | {f"drink_{d.id}": d.label for d in drinks()},
        flags=_flag_levels(saved.symptoms) if saved else {},
        recent=diary.list_checkins()[-7:][::-1],
        existing=diary.get_checkin(day),
        yesterday=diary.get_checkin(day - timedelta(days=1)),
        twitched=bool(diary.list_twitches(day, day)),
        summary=checkin_summary,
    )


def _parse_day(raw: object) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


@router.get("/checkin", response_class=HTMLResponse)
def checkin_page(
    request: Request,
    date: date | None = None,
    saved: bool = False,
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    day = date or _today()
    existing = diary.get_checkin(day)
    checked = set(existing.symptoms) if existing else set()
    return _page(
        request, diary, _values_of(existing, day), {}, checked, saved=existing if saved else None
    )


def _today() -> date:
    return date.today()


@router.post("/checkin", response_class=HTMLResponse)
async def save_checkin(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    form = Form.of(await request.form())
    day = _day(form)
    values: dict[str, Any] = {name: form.number(name, lo, hi) for name, (lo, hi) in NUMBERS.items()}
    values["caffeine_mg"], values["drinks"] = _caffeine(form)
    values["no_twitches"] = form.values.get("no_twitches") == "yes"
    hard = form.values.get("hard_exercise", "")
    if hard not in ("", "yes", "no"):
        form.errors["hard_exercise"] = "Choose yes, no or not sure."
    values["hard_exercise"] = None if hard in ("", "unsure") else hard == "yes"
    checked = set(form.lists.get("symptoms", []))
    unknown = checked - set(SYMPTOM_IDS)
    if unknown:
        form.errors["symptoms"] = "Choose symptoms from the list."
    values["symptoms"] = [s for s in SYMPTOM_IDS if s in checked]
    meds = (form.text("medications", 5000) or "").replace(";", "\n").splitlines()
    values["medications"] = [m.strip() for m in meds if m.strip()]
    values["notes"] = form.text("notes", 10_000)
    if not form.errors and day is not None:
        try:
            diary.save_checkin(day, replace=True, **values)
        except DiaryError as exc:
            form.add_diary_error(exc)
    if form.errors or day is None:
        return _page(request, diary, form.values, form.errors, checked, 422)
    return redirect(f"/checkin?date={day.isoformat()}&saved=1#saved")


#: What "same as yesterday" copies: the routine, not the day's symptoms or notes.
COPIED = (*NUMBERS, "caffeine_mg", "drinks", "hard_exercise", "medications")


@router.post("/checkin/same-as-yesterday", response_class=HTMLResponse)
async def same_as_yesterday(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    """One tap: the day's check-in becomes yesterday's routine; the saved page allows changes."""
    form = Form.of(await request.form())
    day = _day(form)
    if day is None:
        raise HTTPException(422, form.errors["date"])
    before = diary.get_checkin(day - timedelta(days=1))
    if before is None:
        raise HTTPException(404, f"There is no check-in for {day - timedelta(days=1)} to copy.")
    values = {name: getattr(before, name) for name in COPIED}
    diary.save_checkin(day, **values)
    return redirect(f"/checkin?date={day.isoformat()}&saved=1#saved")


@router.post("/checkin/no-twitches", response_class=HTMLResponse)
async def no_twitches(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    """One tap: the day had no twitches, so it counts as a tracked day with zero."""
    form = Form.of(await request.form())
    day = _day(form)
    if day is None:
        raise HTTPException(422, form.errors["date"])
    try:
        diary.mark_no_twitches(day)
    except DiaryError as exc:
        raise HTTPException(409, exc.problems[0].message) from None
    return redirect(_next(form.values.get("next")) or f"/?no_twitches={day.isoformat()}")


def _next(url: str | None) -> str | None:
    """Only go back within this app."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def _day(form: Form) -> date | None:
    raw = form.values.get("date", "")
    if not raw:
        return _today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        form.errors["date"] = "Enter a date like 2026-03-02."
        return None


def _caffeine(form: Form) -> tuple[float | None, dict[str, float]]:
    """The caffeine total and the drinks as counted (kept, so an edit shows them again)."""
    counts = {d.id: form.number(f"drink_{d.id}", 0, 50) for d in drinks()}
    counted = {k: v for k, v in counts.items() if v}
    extra = form.number("caffeine_mg", 0, 5000)
    from_drinks = caffeine_from_drinks(counted)
    if from_drinks is None:
        return extra, {}
    total = from_drinks + (extra or 0)
    if total > 5000:
        form.errors["caffeine_mg"] = (
            "That is more than 5000 mg of caffeine; please check the drinks."
        )
    return total, counted
