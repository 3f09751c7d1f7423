"""Reading an article: strict UTF-8 text, refused with one line when it is not.

Kept apart from the ledger so the text tools (``extract``) start without pandas.
"""

from __future__ import annotations

from pathlib import Path

from crimefigures.errors import InputError
from crimefigures.pipeline import paths


def read_article(path: str | Path) -> str:
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


ORIGIN_FIELDS = ("outlet", "title", "url", "date_published", "credited_to", "language", "sha256")


def read_origin(path: str | Path) -> dict:
    """The article's origin (article.yml): outlet, title, URL, date, credit, language, hash."""
    import yaml

    file = paths.resolve(path)
    name = paths.relative(file)
    try:
        origin = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("origin file not found (python -m crimefigures new-story writes it)",
                         file=name) from None
    except yaml.YAMLError:
        raise InputError("not valid YAML", file=name) from None
    if not isinstance(origin, dict):
        raise InputError("expected a mapping of origin fields", file=name)
    for key in ORIGIN_FIELDS:
        if key not in origin:
            raise InputError("missing origin field", file=name, field=key)
    return origin


def header_markdown(origin_path: str | Path) -> str:
    """One paragraph naming the article a notebook analyses, from its origin record."""
    origin = read_origin(origin_path)
    return (f"**Story:** [{origin['title']}]({origin['url']}), {origin['outlet']}, "
            f"{origin['date_published']} (credited to {origin['credited_to']}). "
            f"Article text SHA-256 `{str(origin['sha256'])[:12]}…`.")
