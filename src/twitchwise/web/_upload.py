"""Reading a multipart upload as a stream: the CSRF token first, then the file straight to disk.

Starlette's `request.form()` reads the whole body (spooling files to disk) before anyone can look
at the token, so a forged 2 GB upload would be written out before its 403. Here the form's fields
are read as they arrive; the token field comes before the file in the form, and the file part is
only opened once the token has been checked. Nothing of a refused upload touches the disk; a
failed write (full disk) removes the partial file.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from twitchwise.uploads import new_upload

MAX_FIELDS = 20
MAX_FIELD_BYTES = 8192


class UploadRefused(HTTPException):
    """The upload cannot be read (not multipart, too many fields, a disk that is full)."""


@dataclass
class Upload:
    """The form's text fields and the one uploaded file (saved under `path`)."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    path: Path | None = None


@dataclass
class _Part:
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _Events:
    """Collects the parser's callbacks, to be acted on (with awaits) after each chunk."""

    def __init__(self) -> None:
        self.queue: list[tuple[str, _Part, bytes]] = []
        self.part = _Part()
        self._name = b""
        self._value = b""

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self.part = _Part()

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _value_data(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self.part.headers.append((self._name.lower(), self._value))
        self._name = self._value = b""

    def _headers_done(self) -> None:
        disposition = dict(self.part.headers).get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self.part.filename = options[b"filename"].decode("utf-8", "replace")
        self.queue.append(("start", self.part, b""))

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.queue.append(("data", self.part, data[start:end]))

    def _end(self) -> None:
        self.queue.append(("end", self.part, b""))


async def read_upload(
    request: Request, file_field: str, check_fields: Callable[[dict[str, str]], None]
) -> Upload:
    """Stream `request`'s multipart body; `check_fields` sees the text fields before the file
    is opened (and at the end if there is no file) and raises to refuse the request."""
    content_type = request.headers.get("content-type", "")
    if parse_options_header(content_type)[0] == b"application/x-www-form-urlencoded":
        return await _fields_only(request, check_fields)  # a form sent without a file
    boundary = _boundary(content_type)
    events = _Events()
    parser = MultipartParser(boundary, events.callbacks())  # type: ignore[arg-type]
    upload = Upload()
    out: Any = None
    try:
        async for chunk in request.stream():
            _parse(parser.write, chunk)
            out = await _act(events, upload, file_field, check_fields, out)
        _parse(parser.finalize)
        out = await _act(events, upload, file_field, check_fields, out)
        if upload.path is None:
            check_fields(upload.fields)
        return upload
    except BaseException:
        if upload.path is not None:
            upload.path.unlink(missing_ok=True)
        raise
    finally:
        if out is not None:
            out.close()


def _parse(step: Callable[..., object], *args: bytes) -> None:
    try:
        step(*args)
    except ValueError:  # python-multipart's parse errors
        raise UploadRefused(400, "The upload was cut off or is not a valid form.") from None


async def _act(
    events: _Events,
    upload: Upload,
    file_field: str,
    check_fields: Callable[[dict[str, str]], None],
    out: Any,
) -> Any:
    """Act on the parts seen so far; returns the open file of the upload (or None)."""
    for kind, part, data in events.queue:
        is_file = part.name == file_field and part.filename is not None
        if kind == "start" and part.filename is None and len(upload.fields) >= MAX_FIELDS:
            raise UploadRefused(400, "The form has too many fields.")
        if kind == "start" and is_file and upload.path is None and part.filename:
            check_fields(upload.fields)  # before a byte of the file is written
            suffix = Path(part.filename).suffix.lower()
            fd, upload.path = new_upload(suffix if suffix in (".zip", ".xml", ".db") else "")
            out = os.fdopen(fd, "wb")
            upload.filename = Path(part.filename.replace("\\", "/")).name
        elif kind == "data" and part.filename is None:
            part.data += data
            if len(part.data) > MAX_FIELD_BYTES:
                raise UploadRefused(400, f"The form field {part.name!r} is too long.")
        elif kind == "data" and is_file and out is not None:
            await _write(out, data)
        elif kind == "end" and part.filename is None:
            upload.fields.setdefault(part.name, _decode(part.data))
        elif kind == "end" and is_file and out is not None:
            await run_in_threadpool(out.close)
            out = None
    events.queue.clear()
    return out


def _write_sync(out: Any, data: bytes) -> None:
    out.write(data)


async def _write(out: Any, data: bytes) -> None:
    try:
        await run_in_threadpool(_write_sync, out, data)
    except OSError as exc:
        raise UploadRefused(
            507,
            "The upload could not be saved: there is not enough free space on this computer "
            f"({exc.strerror or 'write failed'}). Nothing was imported.",
        ) from None


async def _fields_only(request: Request, check_fields: Callable[[dict[str, str]], None]) -> Upload:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FIELDS * MAX_FIELD_BYTES:
            raise UploadRefused(400, "The form is too long.")
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    check_fields(fields)
    return Upload(fields=fields)


def _boundary(content_type: str) -> bytes:
    media, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "Send the form as multipart/form-data with the file in it.")
    return boundary


def _decode(data: bytearray) -> str:
    try:
        return codecs.decode(bytes(data), "utf-8")
    except UnicodeDecodeError:
        return bytes(data).decode("latin-1")
