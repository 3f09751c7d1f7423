"""Typed notebook parameters.

A notebook declares its parameters in the cell tagged ``parameters`` with type
annotations (``draws: int = 100_000  # number of Monte Carlo draws``). The runner
reads them with papermill's ``inspect_notebook`` and checks every value against
the declared type and the rules below *before* a kernel starts, so a typo costs
a second, not a run. The same rules are applied inside the package, so plain
papermill and JupyterLab runs are checked too.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crimefigures.errors import ParameterError
from crimefigures.pipeline import paths

SUPPORTED_TYPES = ("int", "float", "bool", "str")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter."""

    name: str
    type_name: str
    default: Any
    help: str = ""

    def describe(self) -> str:
        text = f"{self.name}: {self.type_name} = {self.default!r}"
        return f"{text}  # {self.help}" if self.help else text


PARAMETER_CACHE = "reports/.cache/declared_parameters.json"
_CACHE_ENTRIES = 64  # one per notebook version; old versions fall off the end
_UNSAVED: dict[Path, dict[str, dict[str, Parameter]]] = {}


def declared_parameters(notebook: str | Path,
                        cache: str | Path | None = PARAMETER_CACHE) -> dict[str, Parameter]:
    """The parameters a notebook declares, in the order it declares them.

    What papermill reads is cached under the notebook's bytes (with this module's source and
    papermill's version in the key): importing papermill alone takes about a second, and a
    run with nothing to do should not pay it. New readings are kept in memory until
    :func:`save_parameter_cache` (the runner calls it after a successful run, so a refused
    command writes nothing). ``cache=None`` always asks papermill.
    """
    key = _cache_key(notebook) if cache is not None else None
    if key is None or cache is None:
        return _inspect(notebook)
    cache_path = paths.resolve(cache)
    if (cached := _UNSAVED.get(cache_path, {}).get(key)) is not None:
        return cached
    if (cached := _cached(cache_path, key)) is not None:
        return cached
    declared = _inspect(notebook)
    _UNSAVED.setdefault(cache_path, {})[key] = declared
    return declared


def save_parameter_cache() -> None:
    """Write the readings made since the last save to their cache files."""
    while _UNSAVED:
        cache, readings = _UNSAVED.popitem()
        _store(cache, readings)


def _cache_key(notebook: str | Path) -> str | None:
    from importlib.metadata import version

    try:
        source = Path(notebook).read_bytes()
    except OSError:
        return None  # papermill reports the unreadable notebook
    digest = hashlib.sha256(source)
    digest.update(Path(__file__).read_bytes())
    digest.update(version("papermill").encode())
    return digest.hexdigest()


def _read_cache(cache: Path) -> dict[str, Any]:
    try:
        entries = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # absent or damaged: papermill is asked again
    return entries if isinstance(entries, dict) else {}


def _cached(cache: Path, key: str) -> dict[str, Parameter] | None:
    rows = _read_cache(cache).get(key)
    if not isinstance(rows, list):
        return None
    try:
        declared = {}
        for name, type_name, default, help_ in rows:
            if type_name not in SUPPORTED_TYPES:
                return None
            declared[name] = Parameter(name, type_name, check_type(name, type_name, default),
                                       help_)
        return declared
    except (TypeError, ValueError, ParameterError):
        return None


def _store(cache: Path, readings: dict[str, dict[str, Parameter]]) -> None:
    entries = _read_cache(cache)
    for key, declared in readings.items():
        entries.pop(key, None)
        entries[key] = [[p.name, p.type_name, p.default, p.help] for p in declared.values()]
    kept = dict(list(entries.items())[-_CACHE_ENTRIES:])
    from crimefigures.pipeline import atomic  # imports pandas: only once a run has succeeded

    atomic.write_cache(cache, json.dumps(kept).encode("utf-8"))


def import_papermill() -> Any:
    """papermill, imported without the IRI grammar that jsonschema builds on import.

    jsonschema registers an "iri" format checker when rfc3987_syntax is installed (jupyterlab
    brings it) and compiles its 38 lark grammars to do so: 0.8 s of papermill's 1.2 s import,
    paid by the runner and by each of its workers. No notebook schema uses that format, so
    the import is refused and jsonschema goes on without the checker, as it is written to do.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill

    return papermill


def _inspect(notebook: str | Path) -> dict[str, Parameter]:
    pm = import_papermill()  # imported here: it is slow and the CLI's other commands skip it

    try:
        inspected = pm.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises bare ValueError/JSONDecodeError
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(
            f"cannot read notebook parameters ({message})", file=notebook
        ) from None
    unread = sorted(set(parameter_names(notebook)) - set(inspected))
    if unread:
        # papermill skips a line it cannot parse (with only a log message): refuse instead.
        raise ParameterError("papermill cannot read this parameter line (keep '=' out of "
                             "its comment)", file=notebook, field=unread[0])
    declared: dict[str, Parameter] = {}
    for name, info in inspected.items():
        type_name = info.get("inferred_type_name") or "None"
        if type_name not in SUPPORTED_TYPES:
            raise ParameterError(
                f"parameter needs a type annotation (one of {', '.join(SUPPORTED_TYPES)}), "
                f"found {type_name}",
                file=notebook,
                field=name,
            )
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            raise ParameterError(
                "default must be a literal value", file=notebook, field=name
            ) from None
        default = check_type(name, type_name, default)
        declared[name] = Parameter(name, type_name, default, info.get("help", ""))
    return declared


def parameter_names(notebook: str | Path) -> list[str]:
    """The names assigned in the cell tagged ``parameters``, in order, read with json and ast.

    A running notebook asks only for these names (its values are its globals): nbformat and
    papermill each take seconds to import, because of jsonschema's format checkers."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError) as exc:
        raise ParameterError(f"cannot read notebook ({type(exc).__name__})",
                             file=notebook) from None
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            tree = ast.parse(source if isinstance(source, str) else "".join(source))
            return [node.target.id if isinstance(node, ast.AnnAssign) else node.targets[0].id
                    for node in tree.body
                    if isinstance(node, ast.AnnAssign | ast.Assign)
                    and isinstance(getattr(node, "target", None) or node.targets[0], ast.Name)]
    return []


def suggest(name: str, valid: list[str]) -> str:
    """' (did you mean X?)' for the closest valid name, or ''."""
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def unknown_parameter(name: str, valid: list[str], *, file: str | Path | None = None):
    return ParameterError(
        f"unknown parameter{suggest(name, valid)}; valid names: {', '.join(sorted(valid))}",
        file=file,
        field=name,
    )


def parse_value(name: str, type_name: str, raw: str) -> Any:
    """A command-line string as the declared type (``-p draws=1000``)."""
    text = raw.strip()
    try:
        if type_name == "int":
            if not text.lstrip("+-").replace("_", "").isdigit():
                raise ValueError
            return int(text)
        if type_name == "float":
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return value
        if type_name == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
    except ValueError:
        raise ParameterError(f"{raw!r} is not a valid {type_name}", field=name) from None
    return raw


def check_type(name: str, type_name: str, value: Any) -> Any:
    """A value from YAML or a default, checked against the declared type."""
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
    }[type_name]
    if not ok:
        raise ParameterError(f"{value!r} is not a valid {type_name}", field=name)
    if type_name == "float":
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"{value!r} is not a finite number", field=name)
    return value


def _positive_int(value: Any) -> str | None:
    return None if value >= 1 else "must be at least 1"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must not be negative"


def _within(low: float, high: float, *, low_open: bool = False, high_open: bool = False):
    def rule(value: Any) -> str | None:
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        if above and below:
            return None
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        return f"must lie in {left}{low}, {high}{right}"

    return rule


def _one_of(*choices: str):
    def rule(value: Any) -> str | None:
        if value in choices:
            return None
        return f"must be one of {', '.join(choices)}{suggest(str(value), list(choices))}"

    return rule


def _unset_or(rule):
    return lambda value: None if value == 0 else rule(value)


# Domain rules shared by every notebook that declares a parameter of this name.
RULES: dict[str, Callable[[Any], str | None]] = {
    "draws": _positive_int,
    "seed": _non_negative,
    "approx_halfwidth": _within(0.0, 1.0, high_open=True),
    "nearly_factor": _within(0.0, 1.0, low_open=True),
    "upper_floor_fraction": _within(0.0, 1.0, low_open=True),
    "lower_ceiling_factor": _within(1.0, 1e6),
    "distribution": _one_of("uniform", "triangular", "lognormal90"),
    # "" and 0 leave the choice to the story's analysis.yml (notebook 02's parameters)
    "gdp_source": _one_of("", "imf_weo", "world_bank"),
    # a release as YYYY-MM; which releases are bundled is the reference table's business
    # (ratios.Settings refuses one it does not hold)
    "weo_vintage": lambda value: (None if value == "" or re.fullmatch(r"\d{4}-\d{2}", str(value))
                                  else "must be an IMF release as YYYY-MM, e.g. 2024-10"),
    "gdp_year": _unset_or(_within(1960, 2030)),
    "population_year": _unset_or(_within(1960, 2030)),
    "exchange_rate_year": _unset_or(_within(1960, 2030)),
    "language": _one_of("en", "id"),
}


def check_rules(values: Mapping[str, Any], *, file: str | Path | None = None) -> None:
    """Raise ParameterError for the first value that breaks its domain rule."""
    for name, value in values.items():
        rule = RULES.get(name)
        problem = rule(value) if rule else None
        if problem:
            raise ParameterError(f"{value!r} {problem}", file=file, field=name)


def resolve(
    declared: Mapping[str, Parameter],
    overrides: Mapping[str, Any],
    *,
    raw: bool,
    file: str | Path | None = None,
) -> dict[str, Any]:
    """Overrides checked against the declaration: names, types, then domain rules."""
    resolved: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in declared:
            raise unknown_parameter(name, list(declared), file=file)
        kind = declared[name].type_name
        resolved[name] = parse_value(name, kind, value) if raw else check_type(name, kind, value)
    check_rules({**{n: p.default for n, p in declared.items()}, **resolved}, file=file)
    return resolved
