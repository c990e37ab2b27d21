"""The plain reader: lxml's pull parser over the body, one element at a time.

It is the yardstick the fast scanner is tested against, and the path taken for the unusual
layouts the scanner does not handle (comments or CDATA in the body, attributes in another
order, single quotes). It checks well-formedness itself, so anything it accepts is valid XML.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from ._days import USED_TYPES, DayBuilder
from ._source import AppleHealthError, ExportFile, damaged
from ._validate import describe


def read_reference(export: ExportFile, chunks: Iterable[bytes], builder: DayBuilder) -> None:
    """Feed every top-level Record and Workout of the body to `builder`."""
    parser = etree.XMLPullParser(
        events=("start", "end"), huge_tree=True, resolve_entities=False, no_network=True
    )
    depth = 0
    root_seen = False
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, elem in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        if elem.tag != "HealthData":
                            raise AppleHealthError(f"{export.name} is not an Apple Health export")
                        root_seen = True
                    continue
                depth -= 1
                if depth == 1:
                    _element(elem, builder)
                    elem.clear()
                    parent = elem.getparent()
                    if parent is not None:
                        while elem.getprevious() is not None:
                            del parent[0]
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise damaged(export, describe(exc, export)) from exc
    if not root_seen:
        raise damaged(export, "it has no <HealthData> element")


def _element(elem: etree._Element, builder: DayBuilder) -> None:
    tag = elem.tag
    if tag == "Record":
        kind = elem.get("type", "")
        if kind in USED_TYPES:
            builder.record(kind, dict(elem.attrib), _time_zone(elem))
        else:
            builder.skipped_types.add(kind)
    elif tag == "Workout":
        builder.workout(dict(elem.attrib), _time_zone(elem))


def _time_zone(elem: etree._Element) -> str | None:
    for child in elem:
        if child.tag == "MetadataEntry" and child.get("key") == "HKTimeZone":
            value: str | None = child.get("value")
            return value
    return None
