"""A FHIR R4 Bundle under construction: entries with unique ids and urn:uuid full URLs.

References inside the bundle use the full URL of the entry they point to, so a reader resolves
every one of them without a server (a `collection` bundle has no base URL).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

_NAMESPACE = uuid.UUID("5f0c2b1e-7a51-4d7e-9d1e-2b4c7f1d9a30")
"""Fixed, so the same diary gives the same full URLs in every export."""
_NOT_ID = re.compile(r"[^A-Za-z0-9.-]+")


def safe_id(*parts: object) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) from parts; callers keep the parts unique."""
    text = "-".join(_NOT_ID.sub("-", str(p)).strip("-") or "x" for p in parts)
    if len(text) <= 64:
        return text
    digest = uuid.uuid5(_NAMESPACE, text).hex[:12]
    return f"{text[:51]}-{digest}"


def full_url(resource_type: str, resource_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{resource_type}/{resource_id}')}"


class BundleBuilder:
    """Collects resources; `add` returns the Reference other resources use to point at it."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._ids: set[tuple[str, str]] = set()

    def add(self, resource: dict[str, Any]) -> dict[str, str]:
        key = (resource["resourceType"], resource["id"])
        if key in self._ids:
            raise ValueError(f"{key[0]}/{key[1]} is in the bundle twice")
        self._ids.add(key)
        url = full_url(*key)
        self.entries.append({"fullUrl": url, "resource": resource})
        return {"reference": url}

    def bundle(self, bundle_id: str, timestamp: str) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "id": bundle_id,
            "type": "collection",
            "timestamp": timestamp,
            "entry": self.entries,
        }
