"""Reading an article: strict UTF-8 text, refused with one line when it is not.

Kept apart from the ledger so the text tools (``extract``) start without pandas.
"""

from __future__ import annotations

from pathlib import Path

from crimefigures import paths
from crimefigures.errors import InputError

ARTICLE_PATH = "data/raw/article.txt"


def read_article(path: str | Path = ARTICLE_PATH) -> str:
    """The article as text; refuses empty, binary and non-UTF-8 files with one line."""
    file = paths.resolve(path)
    name = paths.relative(file)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError("article file not found", file=name) from None
    except IsADirectoryError:
        raise InputError("article path is a directory", file=name) from None
    if not data.strip():
        raise InputError("article file is empty", file=name)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("article is UTF-16; save it as UTF-8", file=name, offset=0)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError("article is binary, not text (NUL byte)", file=name, offset=nul)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"article is not valid UTF-8 ({exc.reason})", file=name,
                         offset=exc.start) from None
