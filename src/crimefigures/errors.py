"""One error type whose message names the file, the row (or offset) and the field."""

from __future__ import annotations

from pathlib import Path


class CrimefiguresError(Exception):
    """An input or parameter problem that a user can fix.

    Rendered on one line: ``FILE, row N, field F: what is wrong``. Every part but
    the message is optional, so the same type serves files, rows and parameters.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        offset: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.file = None if file is None else str(file)
        self.row = row
        self.offset = offset
        self.field = field
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(CrimefiguresError):
    """A data file is missing, malformed or inconsistent."""


class ParameterError(CrimefiguresError):
    """A notebook parameter is unknown, mistyped or out of range."""


class ParseError(CrimefiguresError):
    """A figure phrase could not be read without guessing."""
