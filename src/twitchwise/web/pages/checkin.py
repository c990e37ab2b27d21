"""The daily check-in: sleep, caffeine (by drinks), alcohol, fluids, stress, exercise, symptoms.

Errors are shown next to their field and everything typed is kept; nothing is saved until the
whole form is valid.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from twitchwise.diary import CheckIn, Diary, DiaryError
from twitchwise.engine._vocab import SYMPTOM_IDS
from twitchwise.knowledge import load_knowledge

from .._deps import get_diary
from ._common import Form, redirect, render
from ._drinks import caffeine_from_drinks, drinks

router = APIRouter()

NUMBERS: dict[str, tuple[float, float]] = {
    "sleep_hours": (0, 24),
    "alcohol_drinks": (0, 100),
    "water_litres": (0, 20),
    "stress_level": (0, 10),
    "exercise_minutes": (0, 1440),
}


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
    if checkin is None:
        return {"date": day.isoformat()}
    values: dict[str, Any] = {"date": day.isoformat()}
    for name in (*NUMBERS, "caffeine_mg"):
        value = getattr(checkin, name)
        values[name] = "" if value is None else f"{value:g}"
    hard = checkin.hard_exercise
    values["hard_exercise"] = "" if hard is None else ("yes" if hard else "no")
    values["medications"] = "\n".join(checkin.medications)
    values["notes"] = checkin.notes or ""
    return values


def _page(
    request: Request,
    diary: Diary,
    values: dict[str, Any],
    errors: dict[str, str],
    checked: set[str],
    status: int = 200,
    saved: CheckIn | None = None,
) -> HTMLResponse:
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
        saved=saved,
        labels=LABELS | {f"drink_{d.id}": d.label for d in drinks()},
        flags=_flag_levels(saved.symptoms) if saved else {},
        recent=diary.list_checkins()[-7:][::-1],
    )


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
    values["caffeine_mg"] = _caffeine(form)
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


def _day(form: Form) -> date | None:
    raw = form.values.get("date", "")
    if not raw:
        return _today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        form.errors["date"] = "Enter a date like 2026-03-02."
        return None


def _caffeine(form: Form) -> float | None:
    counts = {d.id: form.number(f"drink_{d.id}", 0, 50) for d in drinks()}
    extra = form.number("caffeine_mg", 0, 5000)
    from_drinks = caffeine_from_drinks({k: v for k, v in counts.items() if v})
    if from_drinks is None:
        return extra
    total = from_drinks + (extra or 0)
    if total > 5000:
        form.errors["caffeine_mg"] = (
            "That is more than 5000 mg of caffeine; please check the drinks."
        )
    return total
