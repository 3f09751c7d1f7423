"""registry.read and registry.write: every table through one reader and one writer that check
its schema, with one-line errors naming file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIRST_STORY, REPO

from crimefigures.errors import InputError
from crimefigures.pipeline import registry

CSV_TABLES = [name for name, t in registry.TABLES.items()
              if t.template.endswith(".csv") and t.schema and not t.reader]


def _committed(name: str) -> Path:
    return REPO / registry.path(name, FIRST_STORY)


@pytest.mark.parametrize("name", CSV_TABLES)
def test_a_table_read_and_written_again_is_byte_identical(name: str, tmp_path: Path):
    assert _committed(name).is_file(), name  # the first story has every table
    frame = registry.read(name, FIRST_STORY)
    written = registry.write(name, frame, path=tmp_path / "again.csv")
    assert written.read_bytes() == _committed(name).read_bytes()


def test_every_table_with_a_schema_names_one_that_exists():
    for t in registry.TABLES.values():
        assert t.load_schema() is None or t.load_schema().columns, t.name


def test_a_bad_number_names_file_row_and_field(tmp_path: Path):
    lines = _committed("figures").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[2].rstrip("\n").split(",")
    assert header.index("span_start") < len(cells)
    broken = tmp_path / "figures.csv"
    broken.write_text(lines[0] + lines[1] + lines[2].replace(
        f",{cells[-2]},{cells[-1]}", f",lots,{cells[-1]}"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        registry.read("figures", path=broken)
    assert (caught.value.row, caught.value.field) == (3, "span_start")
    assert "not a whole number" in str(caught.value) and "figures.csv" in str(caught.value)


def test_a_write_that_breaks_the_schema_publishes_nothing(tmp_path: Path):
    ratios = registry.read("ratios", FIRST_STORY)
    ratios.loc[1, "distribution"] = "normal"
    target = tmp_path / "ratios.csv"
    with pytest.raises(InputError) as caught:
        registry.write("ratios", ratios, path=target)
    assert (caught.value.row, caught.value.field) == (3, "distribution")
    assert not target.exists()


def test_an_empty_table_is_written_as_its_header(tmp_path: Path):
    statements = registry.read("statements", FIRST_STORY).iloc[0:0]
    written = registry.write("statements", statements.astype(object), path=tmp_path / "s.csv")
    assert written.read_text(encoding="utf-8") == \
        _committed("statements").read_text(encoding="utf-8").splitlines(keepends=True)[0]


def test_a_missing_output_says_which_notebook_makes_it(tmp_path: Path):
    with pytest.raises(InputError, match=r"run notebook 02 first"):
        registry.read("ratios", path=tmp_path / "ratios.csv")


def test_reading_needs_a_story_or_a_path():
    with pytest.raises(Exception, match="needs a story or a path"):
        registry.read("claims")
