"""Precision and recall of the medicine matcher on tests/data/medication_strings.json.

Each row of the table is a string as a person might type it, the classes of twitching-relevant
medicines it names (`classes`, empty for "none of them") and whether it should be reported as
unrecognised. A (string, class) pair is a true positive when the matcher finds that class, a
false positive when it finds a class the row does not name, a false negative when it misses one.

    python benchmarks/medication_matcher.py           # the figures quoted in docs/assessment.md
    python benchmarks/medication_matcher.py --sweep   # the fuzzy settings it was tuned with
    python benchmarks/medication_matcher.py --table tests/data/medication_strings_red_team.json

In the red-team table `unrecognised` may be null: a real medicine outside the classes (a
look-alike) may be either understood as not a cause or reported as unrecognised.

`--sweep` re-runs the table with other edit budgets (`EDITS_BY_NAME_LENGTH`): the chosen one is
the most tolerant that keeps precision at 100% on this table.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from twitchwise.engine import _medications
from twitchwise.engine._medications import recognise

TABLE = Path(__file__).parents[1] / "tests" / "data" / "medication_strings.json"
SWEEP = {
    "phonetic only": ((99, 0),),
    "1 edit from 6 letters": ((6, 0), (99, 1)),
    "chosen: 1 edit 6-8, 2 from 9": ((6, 0), (9, 1), (99, 2)),
    "1 edit from 5 letters, 2 from 8": ((5, 0), (8, 1), (99, 2)),
    "2 edits from 6 letters": ((6, 0), (99, 2)),
}


@dataclass
class Score:
    strings: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unrecognised_right: int = 0
    misses: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def found_classes(typed: str) -> set[str]:
    return {m.med_class.id for m in recognise(typed).matches if m.med_class.causes_twitching}


def score(rows: list[dict[str, object]]) -> Score:
    result = Score(strings=len(rows))
    misses = []
    for row in rows:
        typed = str(row["typed"])
        expected = set(row["classes"])  # type: ignore[call-overload]
        found = found_classes(typed)
        result.tp += len(found & expected)
        result.fp += len(found - expected)
        result.fn += len(expected - found)
        reported = bool(recognise(typed).unrecognised)
        wanted = row["unrecognised"]  # None: either is right (a real medicine outside the classes)
        result.unrecognised_right += wanted is None or reported == wanted
        if found != expected or (wanted is not None and reported != wanted):
            misses.append(f"{typed!r}: expected {sorted(expected)}, found {sorted(found)}")
    result.misses = tuple(misses)
    return result


def report(rows: list[dict[str, object]]) -> None:
    s = score(rows)
    kinds = Counter(str(r["kind"]) for r in rows)
    print(f"strings: {s.strings} ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    print(f"pairs: true positives {s.tp}, false positives {s.fp}, false negatives {s.fn}")
    print(f"precision: {s.precision:.1%}  recall: {s.recall:.1%}")
    print(f"unrecognised reported as expected: {s.unrecognised_right}/{s.strings}")
    for miss in s.misses:
        print("  miss:", miss)


def sweep(rows: list[dict[str, object]]) -> None:
    chosen = _medications.EDITS_BY_NAME_LENGTH
    try:
        for label, edits in SWEEP.items():
            _medications.EDITS_BY_NAME_LENGTH = edits
            _medications._fuzzy_keys.cache_clear()
            s = score(rows)
            print(f"{label:35} precision {s.precision:6.1%}  recall {s.recall:6.1%}")
    finally:
        _medications.EDITS_BY_NAME_LENGTH = chosen
        _medications._fuzzy_keys.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="compare fuzzy settings")
    parser.add_argument("--table", type=Path, default=TABLE, help="another table of strings")
    args = parser.parse_args()
    rows = json.loads(args.table.read_text(encoding="utf-8"))
    sweep(rows) if args.sweep else report(rows)


if __name__ == "__main__":
    main()
