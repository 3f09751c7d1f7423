"""Reading and checking a CSV table against its pandera schema, with one-line errors.

The schema says everything the reader needs: the columns and their order, each column's
type (text, whole number, number, True/False), which key must be unique, and in its
``metadata`` which text may not be blank (``"required"``) and which blank text means
"none" rather than an empty word (``"blank_is_missing"``). Every cell is read as text
first, so a bad cell is reported as the file, the CSV row (header = row 1) and the field,
not as a pandas traceback. The schemas live with the layer that defines each table; this
module only uses them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from crimefigures.errors import InputError
from crimefigures.pipeline import paths

_BOOLS = {"True": True, "False": False}


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> pd.DataFrame:
    """Run a pandera schema and turn its first failure into one line."""
    if frame.empty:  # no cell to check, and an empty column's dtype says nothing
        if list(_exact_columns(frame, schema, name).columns) != list(frame.columns):
            raise InputError(f"columns out of order (expected {', '.join(schema.columns)})",
                             file=name, row=1)
        return frame
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        first = exc.failure_cases.iloc[0]
        index = first.get("index")
        row = int(index) + 2 if pd.notna(index) else None
        column = first.get("column")
        field = str(column) if pd.notna(column) else None
        raise InputError(f"fails check {first.get('check')} (value {first.get('failure_case')!r})",
                         file=name, row=row, field=field) from None


def read_text_cells(file: Path, missing: str = "file not found") -> pd.DataFrame:
    """Every cell of a CSV as text (a blank cell is ``""``), or a one-line error."""
    name = paths.relative(file)
    try:
        return pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(missing, file=name) from None
    except pd.errors.EmptyDataError:
        raise InputError("file is empty", file=name) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({str(exc).splitlines()[0]})", file=name) from None


def read_csv(path: str | Path, schema: pa.DataFrameSchema | None,
             missing: str = "file not found") -> pd.DataFrame:
    """A CSV table typed and checked by its schema (all text when it has none)."""
    file = paths.resolve(path)
    frame = read_text_cells(file, missing)
    if schema is None:
        return frame
    name = paths.relative(file)
    frame = _exact_columns(frame, schema, name)
    _check_unique_keys(frame, schema, name)
    _check_required(frame, schema, name)
    return validate(_typed(frame, schema, name), schema, name)


def _exact_columns(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> pd.DataFrame:
    columns = list(schema.columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError("missing column", file=name, row=1, field=missing[0])
    extra = [c for c in frame.columns if c not in columns]
    if extra and schema.strict:
        raise InputError(f"unexpected column (expected {', '.join(columns)})", file=name,
                         row=1, field=extra[0])
    return frame[columns]


def _check_unique_keys(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> None:
    """A repeated id names both rows, which pandera's own check does not."""
    for key in (c for c, column in schema.columns.items() if column.unique):
        repeated = frame.index[frame[key].duplicated()]
        if len(repeated):
            value = frame.loc[repeated[0], key]
            first = int(frame.index[frame[key] == value][0]) + 2
            raise InputError(f"duplicate {key} {value!r} (first on row {first})", file=name,
                             row=int(repeated[0]) + 2, field=key)


def _check_required(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> None:
    for column in _meta(schema, "required"):
        blank = frame.index[frame[column].str.strip() == ""]
        if len(blank):
            raise InputError("required field is blank", file=name, row=int(blank[0]) + 2,
                             field=column)


def _typed(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> pd.DataFrame:
    """Each column converted from text to its schema's type, the first bad cell reported."""
    typed = {}
    for column, spec in schema.columns.items():
        kind = str(spec.dtype)
        cells = frame[column]
        if kind.startswith("int"):
            typed[column] = _convert(cells, _whole, "not a whole number", name, column, kind)
        elif kind.startswith("float"):
            typed[column] = _convert(cells, _number, "not a number", name, column, kind)
        elif kind == "bool":
            typed[column] = _convert(cells, _BOOLS.__getitem__, "not True or False", name,
                                     column, kind)
        elif column in _meta(schema, "blank_is_missing"):
            typed[column] = cells.where(cells != "", np.nan)
        else:
            typed[column] = cells
    return pd.DataFrame(typed, index=frame.index)


def _whole(text: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise ValueError(text)
    return int(text)


def _number(text: str) -> float:
    """A blank number is missing (NaN): an open end of an interval, a figure with no point."""
    return np.nan if text == "" else float(text)


def _convert(cells: pd.Series, convert: Any, problem: str, name: str, column: str,
             dtype: str) -> pd.Series:
    values = []
    for index, text in cells.items():
        try:
            values.append(convert(text))
        except (ValueError, KeyError):
            raise InputError(f"{problem} (value {text!r})", file=name, row=int(index) + 2,
                             field=column) from None
    return pd.Series(values, index=cells.index, dtype=dtype)


def _meta(schema: pa.DataFrameSchema, key: str) -> tuple[str, ...]:
    return tuple((schema.metadata or {}).get(key, ()))
