"""The fast reader: find the few record types the diary uses with byte searches, skip the rest.

Most of an export is heart-rate, energy and distance samples the diary never looks at. A general
XML parser pays to tokenise every one of them; this reader only looks at the bytes
``<Record type="...`` for the used types (a C-speed regex search), reads those elements' attributes,
and jumps over everything else. Well-formedness of the whole file (skipped parts included) is
checked separately by `_validate`, in a second process when the file is large, so a damaged
file is still refused.

It handles the layout iPhones write: ``type`` as the first attribute, double quotes, no comments,
CDATA or processing instructions in the body. Anything else raises `Unsupported` and the caller
re-reads the file with the reference reader, which handles any well-formed XML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter

from ._days import QUANTITIES, USED_TYPES, DayBuilder
from ._source import MAX_RUN, ExportFile, damaged


class Unsupported(Exception):
    """The body uses a layout the scanner does not handle; use the reference reader."""


def _trie(words: Iterable[bytes]) -> bytes:
    """An alternation factored by common prefixes: the regex engine tries alternatives one by
    one, so ``HK(?:Category...|Quantity...)`` rejects a type after a few bytes, not dozens."""
    branches: dict[bytes, list[bytes]] = {}
    for word in sorted(set(words)):
        branches.setdefault(word[:1], []).append(word[1:])
    optional = b"" in branches
    alts = [re.escape(first) + _trie(rest) for first, rest in branches.items() if first]
    if not alts:
        return b""
    if len(alts) == 1 and not optional:
        return alts[0]
    return b"(?:" + b"|".join(alts) + b")" + (b"?" if optional else b"")


_READ = rb'"([^"]*+)"'
"""An attribute's raw value. The few with an entity reference or a tab or line break (which XML
turns into a space) are resolved where they are used (`_text`), not excluded here: a character
class with exceptions costs the regex engine a test per byte, a single excluded byte does not."""
_SKIP = rb'"[^"]*+"'
_USED = re.compile(
    rb'<(?:Record(?:\s+type="(' + _trie(t.encode() for t in USED_TYPES) + rb')"(?:'
    # 1. the layout iPhones write, fields captured one by one; the rest of startDate and the
    # whole endDate in one capture, split only for the rows that need them
    rb" sourceName=" + _READ + rb"(?: sourceVersion=" + _SKIP + rb")?(?: device=" + _SKIP + rb")?"
    rb"(?: unit=" + _READ + rb")?(?: creationDate=" + _SKIP + rb")?"
    rb' startDate="([0-9]{4}-[0-9]{2}-[0-9]{2})([^"]*+" endDate="[^"]*+)"'
    rb" value=" + _READ + rb"(?: device=" + _SKIP + rb")?"
    rb"\s*(?:/>|>((?:[^<]++|<(?!/Record))*+)</Record\s*>)"
    # 2. any other attribute layout: the whole attribute text
    rb"|([^>]*/)>|([^>]*)>(.*?)</Record\s*>)"
    # 3. a record whose first attribute is not its type
    rb"|(?!\s+type=))"
    # 4. markup that needs a closer look, found in the same pass
    rb"|(Correlation\b|Workout\b|[!?]))",
    re.DOTALL,
)
"""One row per used record (strict layout or not), per record the scanner cannot classify,
and per Correlation, Workout, comment, CDATA or processing instruction."""
_WORKOUT = re.compile(rb"<Workout\b([^>]*)>")
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')
_TZ = re.compile(rb'<MetadataEntry\s+key="HKTimeZone"\s+value="([^"]*)"')
_CORRELATION = re.compile(rb"<Correlation\b.*?</Correlation\s*>", re.DOTALL)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_CARE = re.compile(rb"[&\t\n\r]")
"""What makes an attribute's raw bytes differ from its value."""
_END_DATE = b'" endDate="'
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_TOP_LEVEL = (b"<Record", b"<Workout", b"<Correlation")
_RARE_TOP_LEVEL = _TOP_LEVEL[1:]
_QUANTITY_BYTES = frozenset(kind.encode() for kind in QUANTITIES)
_READ_KEYS = frozenset(
    {"type", "unit", "value", "startDate", "endDate", "sourceName", "duration", "durationUnit"}
)
"""The attributes `DayBuilder` reads; only these are unescaped (device strings never are)."""
_NAME_END = (b" ", b"\t", b"\n", b"\r", b"/", b">", b"")
_TYPE_AT = len(b'<Record type="')


def scan(export: ExportFile, chunks: Iterable[bytes], builder: DayBuilder) -> None:
    """Feed every top-level Record of a used type, and every Workout, to `builder`."""
    scanner = Scanner(export, builder)
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.close()


class Scanner:
    """`scan`, pushed to: `feed` each chunk of the body in order, then `close`.

    Pushed so that the bytes libxml2 is about to check can be scanned first, while they are
    still in the processor's cache (`_part.read_part`): one pass over memory, not two.
    Each chunk is cut after its last complete top-level element; the unfinished one is carried
    over and completed with the start of the next chunk, so chunks are never copied whole.
    """

    def __init__(self, export: ExportFile, builder: DayBuilder) -> None:
        self._export, self._builder = export, builder
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        export, builder, tail = self._export, self._builder, self._tail
        start = 0
        if tail:
            head = _first_start(chunk, _opens_correlation(tail, chunk))
            if head < 0:
                if len(tail) > MAX_RUN:
                    raise damaged(export, f"an element is larger than {MAX_RUN >> 20} MiB")
                self._tail = tail + chunk
                return
            joined = tail + chunk[:head]
            _block(export, joined, 0, len(joined), builder)
            start = head
        cut = _last_start(chunk, start)
        runs = _group(_USED.findall(chunk, start, cut))
        if b"Correlation" in _markup(runs):
            # Rare: the cut may fall inside a Correlation. Looked for only now, once the regex
            # has found one, not with a search through every block.
            moved = _outside_correlation(chunk, start, cut)
            if moved != cut:
                cut = moved
                runs = _group(_USED.findall(chunk, start, cut))
        _read(export, chunk, start, cut, builder, runs)
        self._tail = chunk[cut:]

    def close(self) -> None:
        tail, self._tail = self._tail, b""
        if tail:
            _block(self._export, tail, 0, len(tail), self._builder)


def _opens_correlation(tail: bytes, chunk: bytes) -> bool:
    """Whether the carried-over `tail` leaves a Correlation open: its last ``<Correlation``
    start (the name possibly completed by the first bytes of `chunk`, as in ``<Corr`` +
    ``elation ...``) has no ``</Correlation`` after it. Then the next top-level element
    starts only after that close, not at the Correlation's first inner Record."""
    probe = tail + chunk[: len(b"<Correlation") + 1]
    opened = _rfind_tag(probe, b"<Correlation", 0)
    return 0 <= opened < len(tail) and probe.find(b"</Correlation", opened) < 0


def _first_start(chunk: bytes, in_correlation: bool) -> int:
    """The first top-level element start in `chunk` (after the close of an open Correlation)."""
    low = 0
    if in_correlation:
        low = chunk.find(b"</Correlation")
        if low < 0:
            return -1
    first = -1
    for tag in _TOP_LEVEL:
        pos = _find_tag(chunk, tag, low, first if first >= 0 else len(chunk))
        if pos >= 0:
            first = pos
    return first


def first_start(buf: bytes) -> int:
    """The first top-level element start in `buf`, a window that may begin anywhere in a body
    (-1 if none): an element start followed by a ``</Correlation`` before the next
    ``<Correlation`` is inside a Correlation, and passed over."""
    low = 0
    while True:
        found = [p for tag in _TOP_LEVEL if (p := _find_tag(buf, tag, low, len(buf))) >= 0]
        if not found:
            return -1
        at = min(found)
        if buf.startswith(b"<Correlation", at):
            return at
        close = buf.find(b"</Correlation", at)
        opened = _find_tag(buf, b"<Correlation", at, len(buf))
        if close < 0 or (0 <= opened < close):
            return at
        low = close + 1


def _find_tag(buf: bytes, tag: bytes, low: int, high: int) -> int:
    """First start of element `tag` in buf[low:high] (``<Workout`` is not ``<WorkoutRoute``)."""
    while (pos := buf.find(tag, low, high)) >= 0:
        if buf[pos + len(tag) : pos + len(tag) + 1] in _NAME_END:
            return pos
        low = pos + 1
    return -1


def _last_start(buf: bytes, start: int) -> int:
    """The last top-level element start at or after `start` (`start` when there is none),
    unless it is inside a Correlation (`_outside_correlation` sees to that)."""
    window = 1 << 20
    while True:
        low = max(start, len(buf) - window)
        # Records are nearly every element: find the last one, then look for the rarer
        # Workouts and Correlations only after it, not through the whole window.
        cut = _rfind_tag(buf, b"<Record", low)
        for tag in _RARE_TOP_LEVEL:
            cut = max(cut, _rfind_tag(buf, tag, max(low, cut)))
        if cut >= 0 or low == start:
            break
        window *= 4
    return max(cut, start)


def _outside_correlation(buf: bytes, start: int, cut: int) -> int:
    """`cut`, or the start of the Correlation it falls inside."""
    open_corr = buf.rfind(b"<Correlation", start, cut + 1)
    if open_corr >= 0 and open_corr > buf.rfind(b"</Correlation", start, cut):
        return open_corr
    return cut


def _rfind_tag(buf: bytes, tag: bytes, low: int) -> int:
    """Last start of element `tag` at or after `low` (``<Workout`` is not ``<WorkoutRoute``)."""
    end = len(buf)
    while (pos := buf.rfind(tag, low, end)) >= 0:
        if buf[pos + len(tag) : pos + len(tag) + 1] in _NAME_END:
            return pos
        end = pos
    return -1


def _block(export: ExportFile, buf: bytes, start: int, end: int, builder: DayBuilder) -> None:
    """Read the complete top-level elements in buf[start:end]."""
    if end > start:
        _read(export, buf, start, end, builder, _group(_USED.findall(buf, start, end)))


_Row = tuple[bytes, ...]
_Runs = dict[tuple[bytes, ...], list[_Row]]
_MARKUP = (b"", b"", b"", b"")
"""The key of the rows that are not records of a used type: Correlations, Workouts, comments,
CDATA, processing instructions, and records whose first attribute is not their type."""


def _group(rows: list[_Row]) -> _Runs:
    """The rows by (type, source, unit, day): quantity samples in runs `DayBuilder.quantity_run`
    adds at once (a C-level sum), and every other kind of row under keys `_read` sorts out.

    Grouping by key, not by consecutive rows, keeps runs long when an export interleaves the
    iPhone's and the Watch's samples in time order; and every row is grouped, whatever it is,
    so that the one loop over all rows does nothing else: the rare rows that need a closer
    look are found per key afterwards, not per row.
    """
    runs: _Runs = {}
    for row in rows:
        key = row[:4]
        members = runs.get(key)
        if members is None:
            runs[key] = [row]
        else:
            members.append(row)
    return runs


def _markup(runs: _Runs) -> set[bytes]:
    """What markup other than used records the rows hold (``Correlation``, ``Workout``, ``!``,
    ``?``, or empty for a record whose first attribute is not its type)."""
    return {row[_SPECIAL] for row in runs.get(_MARKUP, ())}


def _read(
    export: ExportFile, buf: bytes, start: int, end: int, builder: DayBuilder, runs: _Runs
) -> None:
    """Add the rows of buf[start:end], grouped by `_group`, to `builder`."""
    workouts = False
    found = _markup(runs)
    if found:
        if b"" in found:
            raise Unsupported("a Record whose first attribute is not type")
        if b"!" in found or b"?" in found:
            raise Unsupported("comments, CDATA or processing instructions in the body")
        if b"Correlation" in found:
            cleaned = _CORRELATION.sub(b"", buf[start:end])
            if len(cleaned) == end - start:
                raise damaged(export, "a Correlation element is not closed")
            _block(export, cleaned, 0, len(cleaned), builder)
            return
        workouts = b"Workout" in found
    _note_types(buf, start, end, builder)
    others: list[_Row] = []
    for key, members in runs.items():
        kind, source, unit, day = key
        if not day or kind not in _QUANTITY_BYTES or _CARE.search(source) or _CARE.search(unit):
            # markup, a record in another layout, sleep or mindfulness, an entity or a tab
            if day or kind:
                others.extend(members)
            continue
        if b"HKTimeZone" in b"".join(map(_content, members)):
            others.extend(row for row in members if b"HKTimeZone" in row[_CONTENT])
            members = [row for row in members if b"HKTimeZone" not in row[_CONTENT]]
            if not members:
                continue
        values = list(map(_value, members))
        if builder.quantity_run(kind, source, unit, day, values):
            continue
        # Usually the day is new: reading the first sample in full registers it, then the
        # rest can still go as one run. Anything else (a bad value, an odd unit): one by one.
        _row(export, members[0], builder)
        if len(members) > 1 and not builder.quantity_run(kind, source, unit, day, values[1:]):
            for row in members[1:]:
                _row(export, row, builder)
    for row in others:
        _row(export, row, builder)
    if workouts:
        for m in _WORKOUT.finditer(buf, start, end):
            raw = m.group(1)
            tz = None
            if not raw.endswith(b"/"):
                tz = _time_zone(export, buf, m.end(), end, b"</Workout")
            builder.workout(_attributes(export, raw), tz)


_REST = 4
"""The rest of startDate and the whole endDate: never empty in a row of the strict layout."""
_VALUE = 5
_CONTENT = 6
_SPECIAL = 10
_value = itemgetter(_VALUE)
_content = itemgetter(_CONTENT)


def _row(export: ExportFile, row: tuple[bytes, ...], builder: DayBuilder) -> None:
    kind, source, unit, day, rest_end, value, content, closed, opened, inner, _ = row
    if not rest_end:
        tz = _inner_time_zone(inner) if inner else None
        builder.record(kind.decode(), _attributes(export, closed or opened), tz)
        return
    tz = _inner_time_zone(content) if content else None
    rest, _, stop = rest_end.partition(_END_DATE)
    start = day + rest
    if tz is None and kind in _QUANTITY_BYTES and not _CARE.search(b"".join(row[1:6])):
        builder.quantity_bytes(kind, source, unit, start, value)
        return
    attrs = {
        "sourceName": _text(export, source),
        "startDate": _text(export, start),
        "endDate": _text(export, stop),
        "value": _text(export, value),
    }
    if unit:
        attrs["unit"] = _text(export, unit)
    builder.record(kind.decode(), attrs, tz)


def _text(export: ExportFile, raw: bytes) -> str:
    """An attribute's value from its raw bytes (entities resolved, tabs and breaks as spaces)."""
    text = _decode(export, raw)
    return _unescape(text) if _CARE.search(raw) else text


def _decode(export: ExportFile, raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError as exc:
        raise damaged(export, f"it is not valid UTF-8 ({exc.reason})") from exc


def _attributes(export: ExportFile, raw: bytes) -> dict[str, str]:
    text = _decode(export, raw)
    pairs = _ATTR.findall(text)
    if text.count('"') != 2 * len(pairs) or text.count("=") != len(pairs):
        raise Unsupported("attribute layout")
    attrs = dict(pairs)
    if "&" in text or "\n" in text or "\t" in text or "\r" in text:
        for key in _READ_KEYS.intersection(attrs):
            attrs[key] = _unescape(attrs[key])
    return attrs


def _inner_time_zone(content: bytes) -> str | None:
    if b"HKTimeZone" not in content:
        return None
    m = _TZ.search(content)
    if m is None:
        raise Unsupported("HKTimeZone metadata layout")
    return _unescape(m.group(1).decode())


def _time_zone(export: ExportFile, buf: bytes, start: int, end: int, close: bytes) -> str | None:
    stop = buf.find(close, start, end)
    if stop < 0:
        raise damaged(export, f"an element is not closed by {close.decode()}>")
    if buf.find(b"HKTimeZone", start, stop) < 0:
        return None
    m = _TZ.search(buf, start, stop)
    if m is None:
        raise Unsupported("HKTimeZone metadata layout")
    return _unescape(m.group(1).decode())


def _unescape(value: str) -> str:
    value = value.replace("\r\n", " ").replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if "&" not in value:
        return value
    return _ENTITY.sub(_entity, value)


def _entity(m: re.Match[str]) -> str:
    ref = m.group(1)
    try:
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
    except (ValueError, OverflowError):  # beyond U+10FFFF: libxml2 names the place
        raise Unsupported("a character reference out of range") from None
    return _NAMED[ref]


def _note_types(buf: bytes, start: int, end: int, builder: DayBuilder) -> None:
    """Record the types present, cheaply: iPhones write records grouped by type, so jump from
    each type's first record in the block to its last."""
    seen = builder.skipped_types
    pos = start
    while (found := buf.find(b'<Record type="', pos, end)) >= 0:
        name_end = buf.find(b'"', found + _TYPE_AT, end)
        if name_end < 0:
            return
        name = buf[found + _TYPE_AT : name_end]
        seen.add(name.decode(errors="replace"))
        last = buf.rfind(b'<Record type="' + name + b'"', found, end)
        pos = max(last, found) + _TYPE_AT
