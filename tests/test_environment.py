"""The environment: pins agree, notebooks are committed clean and declare typed parameters."""

from __future__ import annotations

import json
import re

import yaml
from conftest import REPO

from crimefigures.pipeline import params, runner


def _requirements() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def _conda() -> dict[str, str]:
    document = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for item in document["dependencies"]:
        if isinstance(item, str) and "=" in item and not item.startswith("python="):
            name, version = item.split("=", 1)
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_requirement_is_pinned_exactly():
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", line), line


def test_environment_yml_matches_requirements():
    assert _conda() == _requirements()


def test_benchmark_requirements_are_pinned_apart_and_reach_conda_users():
    lines = [line.split("#")[0].strip()
             for line in (REPO / "requirements-benchmark.txt").read_text().splitlines()]
    pins = dict(line.split("==") for line in lines if line)
    assert "quantulum3" in pins
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.]*", version) for version in pins.values())
    assert not set(pins) & set(_requirements())  # benchmark-only: never in the runtime set
    document = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in document["dependencies"]
                       if isinstance(item, dict))
    assert "-r requirements-benchmark.txt" in pip_section


def test_environment_yml_is_conda_forge_python_311():
    document = yaml.safe_load((REPO / "environment.yml").read_text())
    assert document["channels"] == ["conda-forge"]
    assert "python=3.11" in document["dependencies"]


def test_notebooks_committed_without_outputs_and_with_one_parameters_cell():
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        notebook = json.loads(path.read_text())
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path
        first = notebook["cells"][0]
        assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")
        for key in ("Question", "Input", "Output"):
            assert key in "".join(first["source"]), (path, key)


def test_notebooks_are_numbered_in_run_order_and_all_in_the_pipeline():
    steps = runner.load_pipeline(REPO / "notebooks" / "pipeline.yml")
    listed = {s.notebook for s in steps}
    on_disk = {f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    assert listed == on_disk
    # per story: a step that runs for one story only (05 needs a corpus) may share a level with
    # another story's lower-numbered steps
    for story in {s.story for s in steps}:
        order = [s.notebook for level in runner.dependency_levels(steps) for s in level
                 if s.story == story]
        assert order == sorted(order), story
    for path in on_disk:
        assert re.fullmatch(r"notebooks/\d{2}_[a-z_]+\.ipynb", path)


def test_pipeline_parameters_are_declared_and_typed():
    for step in runner.load_pipeline(REPO / "notebooks" / "pipeline.yml"):
        declared = params.declared_parameters(REPO / step.notebook)
        assert declared, step.name
        assert declared["story"].type_name == "str", step.name
        params.resolve(declared, step.parameters, raw=False)


def test_every_table_a_step_reads_or_writes_comes_from_the_registry():
    """pipeline.yml names registry tables, and each notebook takes those tables' paths from
    the registry (``files["claims"]``), so a path is typed in one place only."""
    from crimefigures.pipeline import registry
    from crimefigures.presentation import charts

    for step in runner.load_templates(REPO / "notebooks" / "pipeline.yml"):
        cells = json.loads((REPO / step.notebook).read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        # charts.load_tables(files) reads its tables by registry name itself
        via_charts = set(charts.TABLE_NAMES) if "charts.load_tables(files)" in source else set()
        for name in (*step.inputs, *step.outputs):
            assert name in registry.TABLES, (step.name, name)
            assert name in via_charts or f'"{name}"' in source, (step.name, name)
        for path in ("data/raw", "data/curated", "data/processed/"):
            assert f'= "{path}' not in source, (step.name, path)  # no typed default path


def test_every_source_file_the_makefile_names_exists():
    """make's rules name the package files the site and README are rebuilt from; a moved file
    must not leave a rule that make cannot satisfy (make reproduce would stop)."""
    text = (REPO / "Makefile").read_text()
    named = set(re.findall(r"(src/crimefigures/[\w/.*-]+)", text))
    assert named
    for path in named:
        matches = list(REPO.glob(path)) if "*" in path else [REPO / path]
        assert matches and all(m.exists() for m in matches), path
