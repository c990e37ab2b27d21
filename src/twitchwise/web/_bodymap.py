"""The body map: front and back figures whose clickable regions are the case format's site ids.

Shapes are drawn for this project in a 200 x 460 box per figure. On the front figure the person
faces you, so their left side is on your right; on the back figure their left is on your left.
The thigh above the knee is the largest region on purpose: it is where twitching is most common,
and it is 41 of the 200 units wide: app.css never draws a figure narrower than about 235 px
(one above the other on a phone), so the thigh stays at least a 44 px tap target.
"""

from __future__ import annotations

from dataclasses import dataclass

from twitchwise.engine._vocab import SITE_IDS

WIDTH, HEIGHT = 200, 460


@dataclass(frozen=True)
class Shape:
    kind: str  # "polygon" | "ellipse"
    points: tuple[float, ...]  # polygon: x1, y1, x2, y2, ...; ellipse: cx, cy, rx, ry


@dataclass(frozen=True)
class Region:
    site: str
    label: str
    shapes: tuple[Shape, ...]


def _poly(*pts: float) -> Shape:
    return Shape("polygon", pts)


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> Shape:
    return Shape("ellipse", (cx, cy, rx, ry))


def _mirror(shape: Shape) -> Shape:
    if shape.kind == "ellipse":
        cx, cy, rx, ry = shape.points
        return _ellipse(WIDTH - cx, cy, rx, ry)
    pts = list(shape.points)
    return _poly(*[WIDTH - v if i % 2 == 0 else v for i, v in enumerate(pts)])


# Limb shapes on the viewer's left; the other side is the mirror image.
_UPPER_ARM = _poly(60, 86, 44, 92, 33, 160, 51, 164, 61, 114)
_FOREARM = _poly(32, 167, 51, 170, 45, 234, 27, 232)
_HAND = _ellipse(35, 252, 10, 16)
_THIGH = _poly(58, 216, 99, 216, 96, 336, 66, 336)
_LOWER_LEG = _poly(66, 344, 97, 344, 92, 428, 73, 428)
_FOOT = _ellipse(83, 443, 15, 8)

LABELS = {
    "thigh": "thigh (front, above the knee)",
    "hamstring": "hamstring (back of the thigh)",
    "calf": "calf (lower leg)",
    "foot": "foot",
    "upper_arm": "upper arm",
    "forearm": "forearm",
    "hand": "hand",
}


def _limbs(viewer_left_side: str, regions: dict[str, Shape]) -> list[Region]:
    other = "left" if viewer_left_side == "right" else "right"
    out = []
    for region, shape in regions.items():
        for side, s in ((viewer_left_side, shape), (other, _mirror(shape))):
            out.append(Region(f"{side}_{region}", f"{side.capitalize()} {LABELS[region]}", (s,)))
    return out


FRONT: tuple[Region, ...] = (
    Region("face", "Face", (_ellipse(100, 38, 24, 30),)),
    Region("eyelid", "Eyelid", (_ellipse(90, 31, 7, 4), _ellipse(110, 31, 7, 4))),
    Region("tongue", "Tongue or mouth", (_ellipse(100, 53, 8, 4),)),
    Region("neck", "Neck", (_poly(88, 67, 112, 67, 114, 83, 86, 83),)),
    Region("chest", "Chest", (_poly(62, 84, 138, 84, 135, 150, 65, 150),)),
    Region("abdomen", "Abdomen (belly)", (_poly(65, 150, 135, 150, 141, 213, 59, 213),)),
    *_limbs(
        "right",
        {
            "upper_arm": _UPPER_ARM,
            "forearm": _FOREARM,
            "hand": _HAND,
            "thigh": _THIGH,
            "calf": _LOWER_LEG,
            "foot": _FOOT,
        },
    ),
)

BACK: tuple[Region, ...] = (
    Region("neck", "Neck", (_poly(88, 67, 112, 67, 114, 83, 86, 83),)),
    Region("back", "Back", (_poly(62, 84, 138, 84, 141, 213, 59, 213),)),
    *_limbs(
        "left",
        {
            "upper_arm": _UPPER_ARM,
            "forearm": _FOREARM,
            "hand": _HAND,
            "hamstring": _THIGH,
            "calf": _LOWER_LEG,
            "foot": _FOOT,
        },
    ),
)

BACK_HEAD = _ellipse(100, 38, 24, 30)


def site_title(site: str) -> str:
    """A friendly label for a site id, as shown on buttons (`left_thigh` -> `Left thigh`)."""
    return site.replace("_", " ").capitalize()


SITE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Legs", tuple(s for s in SITE_IDS if s.endswith(("thigh", "hamstring", "calf", "foot")))),
    ("Arms", tuple(s for s in SITE_IDS if s.endswith(("upper_arm", "forearm", "hand")))),
    ("Head and body", ("eyelid", "face", "tongue", "neck", "chest", "abdomen", "back")),
)


def svg_attrs(shape: Shape) -> dict[str, str]:
    """The attributes of one shape's SVG element."""
    if shape.kind == "ellipse":
        cx, cy, rx, ry = shape.points
        return {"cx": f"{cx:g}", "cy": f"{cy:g}", "rx": f"{rx:g}", "ry": f"{ry:g}"}
    pts = shape.points
    d = "M" + " L".join(f"{pts[i]:g},{pts[i + 1]:g}" for i in range(0, len(pts), 2)) + " Z"
    return {"d": d}


def heat_level(count: int, peak: int) -> int:
    """0-4 shade for a region's recent twitch count, relative to the busiest region."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(4, round(4 * count / peak)))
