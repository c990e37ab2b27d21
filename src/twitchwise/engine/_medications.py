"""Recognising medicines the way people type them.

"Lasix 40mg", "Losartan/HCTZ 50/12.5", "my water tablet", "citalopram 20mg + furosemide 40mg",
"Welbutrin" and "Lasiks" must all be understood; "ibuprofen", "paracetamol" or a statin must never
match a medicine that can cause twitching, because a false match sends a person to the doctor for
nothing. Whatever is not understood is returned as unrecognised, never dropped: silence must
never read as "no medicine". Stopped medicines ("used to take Prozac") are not current.

The names live in knowledge/medications.yaml; this module only reads text. The fuzzy rule
(phonetic key, then a small edit distance by name length, unique best match) was tuned on
tests/data/medication_strings.json with benchmarks/medication_matcher.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from twitchwise.knowledge import MedicationClass, load_knowledge

_SEPARATORS = re.compile(
    r"\s*(?:[,;+&/|\n]|\b(?:and|with|plus|or|also|then|but|now|instead|"
    r"(?:switched|changed|moved)\s+(?:over\s+)?to)\b)\s*",
    re.I,
)
# "switched from Prozac to sertraline": what comes after "from" was stopped
_FROM_TO = re.compile(r"\b(?:switched|changed|moved)\s+from\s+(.+?)\s+to\s+", re.I)
_GLUED_DOSE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_DOSE = re.compile(r"^\d+(?:\.\d+)?$")
_STOPPED = re.compile(
    r"\b(?:used to|stopped|no longer|not taking|not on|came off|come off|coming off|quit|"
    r"formerly|previously|in the past|gave up|discontinued|not any ?more|was on|no more|"
    r"none now|nothing now|anymore|don'?t take|do not take)\b"
    # "off sertraline since January" (but "weaning off citalopram" is still a current medicine)
    r"|^\s*off\b",
    re.I,
)

# "I never stopped it", "haven't stopped my Ventolin": a stop word that is denied is current.
_NOT_STOPPED = re.compile(
    r"\b(?:never|not|(?:haven|hasn|didn|don|doesn|won)['’]?\s?t|did not|have not|has not|do not|"
    r"does not)\s+(?:\w+\s+)?(?:stop|stopped|stopping|quit|come off|came off|gave up|"
    r"discontinued)\b",
    re.I,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NONE = _words(
    "none nothing no nil na n a nope meds medicine medicines medication medications any "
    "currently now at the moment anything regular regularly dont do not i take stopped never"
)
# Doses, schedules and filler: never a medicine's name, never "unrecognised" on their own.
_SCHEDULE = _words(
    "mg mcg ug g ml iu unit units x mgs mcgs puff puffs dose doses daily once twice three "
    "times a day days per week weekly bd bid tds tid qds od prn as when needed required morning "
    "mornings night nights nightly evening bedtime every each weeks month monthly "
    "at in on of the my i im am take takes taking took now currently just only sometimes "
    "occasionally about around approx it an to for if s"
)
# Forms and reasons people add beside a name; ignored once a name in the same part matched.
_EXTRA = _words(
    "tablet tablets tab tabs capsule capsules caps pill pills inhaler inhalers puffer pump hfa "
    "mdi er xr sr la cr xl ir odt dr ec modified release slow oral solution syrup liquid spray "
    "nebuliser nebulizer neb injection patch cream drops nasal hcl hydrochloride sodium "
    "potassium carbonate citrate sulfate sulphate mesylate maleate succinate tartrate fumarate "
    "generic brand spacer easyhaler accuhaler evohaler turbohaler turbuhaler diskus ellipta "
    "modulite continus glycinate oxide ankles ankle legs swelling "
    "nebules nebs respiclick forspiro digihaler redihaler weaning tapering reducing "
    "stopped never still havent hasnt didnt "
    "arginine erbumine cilexetil medoxomil besilate besylate mesilate dihydrate "
    "respimat handihaler autohaler spiromax breezhaler genuair nexthaler clickhaler novolizer "
    " asthma copd depression anxiety sleep pain heart bp blood "
    "pressure adhd mood migraine migraines cholesterol thyroid diabetes kidney kidneys reflux "
    "allergy allergies hayfever back ache headache headaches water fluid new old prescribed "
    "prescription over counter otc extended immediate delayed acting long short"
)
MIN_FUZZY_LENGTH = 5
EDITS_BY_NAME_LENGTH = ((6, 0), (9, 1), (99, 2))  # (name key shorter than, edits allowed)


@dataclass(frozen=True)
class MedicationMatch:
    """A typed medicine recognised as a drug of a known class."""

    typed: str
    drug: str
    med_class: MedicationClass

    @property
    def shown(self) -> str:
        """What the person typed, with the generic name when they typed something else."""
        typed = self.typed.strip()
        return typed if self.drug.lower() in typed.lower() else f"{typed} ({self.drug})"


@dataclass(frozen=True)
class Recognition:
    """Everything understood (and not understood) in the medicines a person typed."""

    matches: tuple[MedicationMatch, ...] = ()
    unrecognised: tuple[str, ...] = ()
    stopped: tuple[str, ...] = ()


def _normal(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("'", "")
    return _TOKEN.findall(_GLUED_DOSE.sub(" ", text))


def _key(word: str) -> str:
    """A rough sound-alike key: 'Lasiks' and 'Lasix', 'Zolof' and 'Zoloft' come close."""
    key = re.sub(r"(.)\1+", r"\1", word.lower())
    for old, new in (("ph", "f"), ("x", "ks"), ("ck", "k"), ("qu", "kw"), ("th", "t")):
        key = key.replace(old, new)
    key = key.translate(str.maketrans("cyz", "kis"))
    key = re.sub(r"(.)\1+", r"\1", key)
    return key[:-1] if key.endswith("e") and len(key) > 4 else key


Entry = tuple[tuple[str, MedicationClass], ...]


@cache
def _index() -> dict[str, Entry]:
    """Normalised name (generic, brand, alias, combination or plain words) -> drugs it means."""
    kb = load_knowledge()
    by_generic = {d.generic: (d.generic, c) for c in kb.medications for d in c.drugs}
    index: dict[str, Entry] = {}
    for med_class in kb.medications:
        for drug in med_class.drugs:
            for name in drug.names():
                index[" ".join(_normal(name))] = ((drug.generic, med_class),)
    for combo in kb.combinations:
        for name in combo.names:
            index[" ".join(_normal(name))] = tuple(by_generic[p] for p in combo.parts)
    classes: dict[str, MedicationClass] = {c.id: c for c in kb.medications}
    for plain in kb.plain_names:
        kind, _, target = plain.means.rpartition(":")
        entry = (f"{plain.words[0]}", classes[target]) if kind else by_generic[target]
        for words in plain.words:
            index[" ".join(_normal(words))] = (entry,)
    return index


@cache
def _fuzzy_keys() -> dict[str, tuple[Entry, int]]:
    """Sound-alike keys of the one-word names long enough to be matched approximately, with the
    number of edits each allows (by the length of the name as written)."""
    keys: dict[str, tuple[Entry, int]] = {}
    for name, entry in _index().items():
        if " " not in name and name.isalpha() and len(name) >= MIN_FUZZY_LENGTH:
            keys.setdefault(_key(name), (entry, allowed_edits(len(name))))
    return keys


def allowed_edits(length: int) -> int:
    """How many one-letter slips a name of `length` letters tolerates."""
    return next(edits for below, edits in EDITS_BY_NAME_LENGTH if length < below)


def fuzzy_lookup(word: str) -> Entry | None:
    """The drug a misspelt word most likely means, or None when no name is close enough or
    two different drugs are equally close (an ambiguous guess is reported, not made)."""
    if len(word) < MIN_FUZZY_LENGTH or not word.isalpha():
        return None
    keys, key = _fuzzy_keys(), _key(word)
    if key in keys:
        return keys[key][0]
    most = max(e for _, e in EDITS_BY_NAME_LENGTH)
    near = process.extract(key, list(keys), scorer=OSA.distance, score_cutoff=most, limit=None)
    fits = [(n, d) for n, d, _ in near if d <= keys[n][1] and n[0] == key[0]]
    if not fits:
        return None
    best = min(d for _, d in fits)
    entries = {keys[n][0] for n, d in fits if d == best}
    return entries.pop() if len(entries) == 1 else None


def _match_tokens(tokens: list[str]) -> tuple[list[tuple[str, MedicationClass]], list[str]]:
    """Longest exact names first (three words down to one, and two words written as one),
    then sound-alike single words; returns the drugs and the words left over."""
    index = _index()
    found: list[tuple[str, MedicationClass]] = []
    left: list[str] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            phrase = " ".join(tokens[i : i + n])
            glued = "".join(tokens[i : i + n])
            entry = index.get(phrase) or (index.get(glued) if n == 2 else None)
            if entry and len(tokens[i : i + n]) == n:
                found += entry
                i += n
                break
        else:
            left.append(tokens[i])
            i += 1
    rest = []
    for word in (w for w in left if w not in _SCHEDULE and w not in _EXTRA):
        entry = fuzzy_lookup(word)
        if entry:
            found += entry
        else:
            rest.append(word)
    return found, rest


def _is_none(tokens: list[str]) -> bool:
    return bool(tokens) and all(t in _NONE for t in tokens)


@cache
def _protected() -> re.Pattern[str]:
    """Names that contain a separator word ("Coversyl Plus", "Tylenol with codeine")."""
    names = [n for n in _index() if " " in n and _SEPARATORS.search(f" {n} ")]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names or ["\x00"])) + r")\b")


def _split(typed: str) -> list[str]:
    """The parts of an entry, one medicine each; a name containing "plus" stays whole."""
    typed = _FROM_TO.sub(lambda m: f"stopped {m.group(1)}, ", typed)
    spaced = " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", typed).lower()))
    if _protected().search(spaced):
        typed = _protected().sub(lambda m: m.group(0).replace(" ", "_"), spaced)
    return [p.strip(" .()[]{}").replace("_", " ") for p in _SEPARATORS.split(typed)]


def _current_before_stop(
    part: str,
) -> tuple[str, list[tuple[str, MedicationClass]], list[str]] | None:
    """ "sertraline (used to take Prozac)": a medicine named before a stop clause that names its
    own medicine is still taken. A stop clause naming nothing ("Prozac - stopped in 2022")
    applies to the medicine before it, and then None is returned."""
    marker = _STOPPED.search(part)
    if marker is None or marker.start() == 0:
        return None
    head = part[: marker.start()].strip(" -")
    head_found, head_rest = _match_tokens(_normal(head))
    tail_found, _ = _match_tokens(_normal(part[marker.end() :]))
    return (head, head_found, head_rest) if head_found and tail_found else None


def recognise(typed: str) -> Recognition:
    """Read one typed entry (which may name several medicines). A medicine is shown with the
    part of the entry that named it, or the whole entry when only one part named anything."""
    read: list[tuple[str, list[tuple[str, MedicationClass]], list[str]]] = []
    stopped: list[str] = []
    for part in _split(typed):
        tokens = _normal(part)
        content = [t for t in tokens if not _DOSE.match(t) and t not in _SCHEDULE]
        if not content or _is_none(tokens):
            continue
        if _STOPPED.search(part) and not _NOT_STOPPED.search(part):
            current = _current_before_stop(part)
            if current:
                read.append(current)
                stopped.append(part[len(current[0]) :].strip(" -"))
            else:
                stopped.append(part)
            continue
        found, rest = _match_tokens(tokens)
        read.append((part, found, rest))
    named = [r for r in read if r[1]]
    if not named:
        unknown = tuple(p for p, _, _ in read) if stopped else (typed.strip(),) if read else ()
        return Recognition((), unknown, tuple(stopped))
    whole = typed.strip() if len(named) == 1 and len(read) == 1 else None
    matches = [
        MedicationMatch(whole or part, g, c)
        for part, found, _ in named
        for g, c in dict.fromkeys(found)
    ]
    unrecognised = [part for part, found, _ in read if not found]
    unrecognised += [w for _, found, rest in named for w in rest if len(w) >= 6 and w.isalpha()]
    return Recognition(tuple(matches), tuple(dict.fromkeys(unrecognised)), tuple(stopped))


def recognise_all(typed: tuple[str, ...]) -> Recognition:
    """Every entry of a case's medicines, read together."""
    parts = [recognise(t) for t in typed]
    return Recognition(
        tuple(m for r in parts for m in r.matches),
        tuple(dict.fromkeys(u for r in parts for u in r.unrecognised)),
        tuple(s for r in parts for s in r.stopped),
    )


def match_medication(typed: str) -> MedicationMatch | None:
    """The first medicine in `typed` that can cause twitching, or None."""
    return next((m for m in recognise(typed).matches if m.med_class.causes_twitching), None)


def match_medications(typed: tuple[str, ...]) -> list[MedicationMatch]:
    """Every recognised medicine that can cause twitching, in the order typed."""
    return [m for m in recognise_all(typed).matches if m.med_class.causes_twitching]


def understood(typed: tuple[str, ...]) -> list[str]:
    """One line per medicine understood, in words a person can check ("Lasix: a diuretic")."""
    rec = recognise_all(typed)
    lines = [f"{m.shown}: {m.med_class.label}" for m in rec.matches]
    lines += [f"{s}: stopped, so not counted" for s in rec.stopped]
    return list(dict.fromkeys(lines))
