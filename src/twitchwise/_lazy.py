"""Public names of a package loaded from their submodules on first use.

`twitchwise --help` and `twitchwise log` must not pay for pandas, SQLAlchemy's dialects or the
knowledge base's YAML; a package that re-exports names from heavy submodules therefore loads
each one only when somebody reads it (PEP 562 module `__getattr__`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`, whose name `n` lives in `where[n]`.

    A name, once loaded, is kept in the package's `namespace` so later reads are plain lookups.
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__
