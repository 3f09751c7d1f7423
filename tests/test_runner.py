"""The runner: typed parameters, failures, incremental skips, determinism of executed notebooks."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import FIXTURE, FIXTURE_STORY, run_cli

from crimefigures.pipeline import kernels, paths, runner

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
pytestmark = pytest.mark.e2e


def test_misspelled_parameter_exits_2_with_suggestion_and_no_kernel(fixture_root: Path):
    result = run_cli("run", "-p", "drwas=10", root=fixture_root)
    assert result.returncode == 2
    assert "did you mean draws?" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (fixture_root / "reports" / "run_summary.json").exists()  # no run started


def test_wrong_type_exits_2_before_any_kernel(fixture_root: Path):
    result = run_cli("run", "-p", "draws=many", root=fixture_root)
    assert result.returncode == 2
    assert "'many' is not a valid int" in result.stderr
    assert "draws" in result.stderr
    assert not (fixture_root / "reports").exists()


def test_negative_draws_refused_by_domain_rule(fixture_root: Path):
    result = run_cli("run", "-p", "draws=-5", root=fixture_root)
    assert result.returncode == 2
    assert "must be at least 1" in result.stderr


def test_parameter_file_must_be_a_mapping(fixture_root: Path, tmp_path: Path):
    bad = tmp_path / "params.yml"
    bad.write_text("- draws\n- 10\n")
    result = run_cli("run", "-f", str(bad), root=fixture_root)
    assert result.returncode == 2
    assert "expected a mapping" in result.stderr and "params.yml" in result.stderr


def test_list_params_shows_types_and_defaults(fixture_root: Path):
    result = run_cli("run", "--list-params", "fixture", root=fixture_root)
    assert result.returncode == 0, result.stderr
    assert "draws: int = 10" in result.stdout
    assert "fail: bool = False" in result.stdout


def test_failure_keeps_notebook_names_cell_and_leaves_outputs(fixture_root: Path):
    output = fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    first = run_cli("run", "-p", "content=v1", root=fixture_root)
    assert first.returncode == 0, first.stderr
    assert output.read_text() == "v1"

    failed = run_cli("run", "-p", "content=v2", "-p", "fail=true", root=fixture_root)
    assert failed.returncode == 1
    message = failed.stderr.strip()
    assert "notebooks/fixture.ipynb failed in cell 5" in message
    assert "ValueError: fixture asked to fail" in message
    assert (fixture_root / "reports" / FIXTURE_STORY / "failed" / "fixture.ipynb").is_file()
    assert output.read_text() == "v1"  # the failing run wrote v2 only to staging
    summary = json.loads((fixture_root / "reports" / "run_summary.json").read_text())
    assert summary["notebooks"][0]["status"] == "failed"


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (workers, kernels), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, ppid in parents.items() if ppid == parent}
        todo.extend(children - found)
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping is left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_sigterm_stops_the_run_its_workers_and_kernels_and_publishes_nothing(fixture_root):
    import subprocess
    import sys
    import time

    environment = {**os.environ, "CRIMEFIGURES_ROOT": str(fixture_root)}
    run = subprocess.Popen(
        [sys.executable, "-m", "crimefigures", "run", "-p", "wait_seconds=60"],
        cwd=fixture_root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    output = fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    staged = fixture_root / runner.STAGING_DIR / f"{FIXTURE_STORY}/fixture"
    deadline = time.monotonic() + 120
    while not list(staged.rglob("fixture.txt")) and time.monotonic() < deadline:
        assert run.poll() is None, run.communicate()
        time.sleep(0.2)
    below = _descendants(run.pid)  # the worker, its kernel (sleeping in a cell)
    assert len(below) >= 2, below
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM, stderr
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in below if _alive(pid)], "a worker or kernel outlived the run"
    assert not output.exists()  # written to staging only, never published


def test_unchanged_rerun_skips_without_kernel_and_force_is_byte_identical(fixture_root: Path):
    assert run_cli("run", root=fixture_root).returncode == 0
    executed = fixture_root / "reports" / FIXTURE_STORY / "notebooks" / "fixture.ipynb"
    first_bytes = executed.read_bytes()

    again = run_cli("run", root=fixture_root)
    assert again.returncode == 0
    assert f"[skip] {FIXTURE_STORY}/fixture (unchanged)" in again.stdout
    summary = json.loads((fixture_root / "reports" / "run_summary.json").read_text())
    assert summary["kernels_started"] == 0

    forced = run_cli("run", "--force", root=fixture_root)
    assert f"[done] {FIXTURE_STORY}/fixture" in forced.stdout
    summary = json.loads((fixture_root / "reports" / "run_summary.json").read_text())
    assert summary["kernels_started"] == 1  # one worker's spare, which ran the step
    assert executed.read_bytes() == first_bytes
    text = executed.read_text()
    assert str(fixture_root) not in text and "start_time" not in text


def test_changed_parameter_or_edited_output_reruns(fixture_root: Path):
    assert run_cli("run", root=fixture_root).returncode == 0
    assert "[done]" in run_cli("run", "-p", "content=v3", root=fixture_root).stdout
    output = fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    output.write_text("tampered")
    assert "[done]" in run_cli("run", "-p", "content=v3", root=fixture_root).stdout
    assert output.read_text() == "v3"


def test_dependency_levels_follow_inputs_and_outputs():
    a = runner.Step("a", "a.ipynb", (), ("data/x.csv",))
    b = runner.Step("b", "b.ipynb", ("data/x.csv",), ("figures/",))
    c = runner.Step("c", "c.ipynb", ("data/x.csv",), ("data/y.csv",))
    d = runner.Step("d", "d.ipynb", ("figures/f.png", "data/y.csv"), ())
    levels = runner.dependency_levels([d, c, b, a])
    assert [[s.name for s in level] for level in levels] == [["a"], ["c", "b"], ["d"]]


def test_steps_with_more_behind_them_start_first():
    a = runner.Step("a", "a.ipynb", (), ("data/x.csv",))
    b = runner.Step("b", "b.ipynb", ("data/x.csv",), ("figures/",))
    c = runner.Step("c", "c.ipynb", ("data/x.csv",), ("data/y.csv",))
    d = runner.Step("d", "d.ipynb", ("data/y.csv",), ())
    e = runner.Step("e", "e.ipynb", ("data/x.csv",), ())
    assert [s.name for s in runner.start_order([a, b, c, e, d])] == ["a", "c", "b", "e", "d"]


def test_dependency_cycle_is_an_error():
    a = runner.Step("a", "a.ipynb", ("y",), ("x",))
    b = runner.Step("b", "b.ipynb", ("x",), ("y",))
    with pytest.raises(Exception, match="dependency cycle"):
        runner.dependency_levels([a, b])


def test_normalise_drops_timestamps_and_paths():
    papermill = {"start_time": "t", "input_path": "/x", "parameters": {}}
    notebook = {"metadata": {"papermill": papermill},
                "cells": [{"metadata": {"execution": {"a": 1}, "papermill": {"duration": 1},
                                        "tags": ["x"]}}]}
    clean = runner.normalise_notebook(notebook)
    assert clean["metadata"]["papermill"] == {"parameters": {}}
    assert clean["cells"][0]["metadata"] == {"tags": ["x"]}


def test_dry_run_plans_without_running(fixture_root: Path):
    result = run_cli("run", "--dry-run", "-p", "content=v9", root=fixture_root)
    assert result.returncode == 0, result.stderr
    planned = f'{FIXTURE_STORY}/fixture {{"content": "v9", "story": "{FIXTURE_STORY}"}}'
    assert f"[would run] {planned}" in result.stdout
    assert not (fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt").exists()
    assert not (fixture_root / "reports" / "run_summary.json").exists()


def test_unknown_notebook_name_suggests_the_closest(fixture_root: Path):
    result = run_cli("run", "fixtur", root=fixture_root)
    assert result.returncode == 2
    assert "did you mean fixture?" in result.stderr


# --- declared parameters are cached by the notebook's bytes -----------------------------------


def test_cached_parameters_equal_papermills_reading_and_follow_an_edit(tmp_path: Path):
    from crimefigures.pipeline import params

    notebook = tmp_path / "fixture.ipynb"
    shutil.copy(FIXTURE, notebook)
    cache = tmp_path / "cache.json"
    fresh = params.declared_parameters(notebook, cache=None)
    assert params.declared_parameters(notebook, cache=cache) == fresh
    assert not cache.exists()  # written only when saved
    params.save_parameter_cache()
    assert len(json.loads(cache.read_text())) == 1
    params._UNSAVED.clear()
    assert params.declared_parameters(notebook, cache=cache) == fresh  # read back

    edited = json.loads(notebook.read_text())
    cell = next(c for c in edited["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    assert fresh["draws"].default == 10 and "draws: int = 10 " in source
    cell["source"] = source.replace("draws: int = 10 ", "draws: int = 11 ")
    notebook.write_text(json.dumps(edited))
    assert params.declared_parameters(notebook, cache=cache)["draws"].default == 11


def test_damaged_parameter_cache_is_ignored(tmp_path: Path):
    from crimefigures.pipeline import params

    notebook = tmp_path / "fixture.ipynb"
    shutil.copy(FIXTURE, notebook)
    cache = tmp_path / "cache.json"
    fresh = params.declared_parameters(notebook, cache=cache)
    params.save_parameter_cache()
    key = next(iter(json.loads(cache.read_text())))
    for damaged in ("{not json", "[]", json.dumps({key: [["draws", "complex", 1, ""]]}),
                    json.dumps({key: [["draws", "int", "ten", ""]]}), json.dumps({key: 5})):
        cache.write_text(damaged)
        assert params.declared_parameters(notebook, cache=cache) == fresh


def test_unchanged_notebook_parameters_are_read_without_importing_papermill(tmp_path: Path):
    import subprocess
    import sys

    notebook = tmp_path / "fixture.ipynb"
    shutil.copy(FIXTURE, notebook)
    cache = tmp_path / "cache.json"
    script = ("import sys; from crimefigures.pipeline import params; "
              f"params.declared_parameters({str(notebook)!r}, cache={str(cache)!r}); "
              "params.save_parameter_cache(); print('papermill' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first run asks papermill, the second reads the cache


# --- runner correctness for stories -------------------------------------------------------------


def _fixture_with_input_parameter(root: Path) -> None:
    """Give the fixture notebook a path parameter it reads, as the story notebooks have."""
    notebook = json.loads((root / "notebooks" / "fixture.ipynb").read_text())
    params_cell = notebook["cells"][1]
    params_cell["source"] = ["".join(params_cell["source"]) + '\nledger_path: str = ""  # a file']
    write_cell = notebook["cells"][3]
    write_cell["source"] = [
        "from pathlib import Path\n", "from crimefigures.pipeline import atomic\n",
        "text = Path(ledger_path).read_text() if ledger_path else content\n",
        'atomic.write_text(f"data/processed/{story}/fixture.txt", text)']
    (root / "notebooks" / "fixture.ipynb").write_text(json.dumps(notebook))


def test_editing_a_file_a_parameter_points_to_reruns_the_step(fixture_root: Path,
                                                               tmp_path: Path):
    _fixture_with_input_parameter(fixture_root)
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("first")
    output = fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    assert run_cli("run", "-p", f"ledger_path={ledger}", root=fixture_root).returncode == 0
    assert output.read_text() == "first"
    ledger.write_text("edited")
    again = run_cli("run", "-p", f"ledger_path={ledger}", root=fixture_root)
    assert "(unchanged)" not in again.stdout, again.stdout
    assert output.read_text() == "edited"


def test_failure_in_the_first_cell_after_the_parameters_is_numbered_as_jupyterlab_shows_it(
        fixture_root: Path):
    for extra in ((), ("-p", "content=v2")):  # with and without an injected-parameters cell
        result = run_cli("run", "--force", "-p", "fail_early=true", *extra, root=fixture_root)
        assert result.returncode == 1
        assert "failed in cell 3: RuntimeError: fixture asked to fail early" in result.stderr, (
            extra, result.stderr)


def test_running_one_story_leaves_another_storys_outputs_alone(fixture_root: Path):
    other = "other-story"
    origin = fixture_root / "data" / "raw" / other / "article.yml"
    origin.parent.mkdir(parents=True)
    origin.write_text("date_published: 2024-02-01\n")
    assert run_cli("run", root=fixture_root).returncode == 0
    theirs = fixture_root / "data" / "processed" / other / "fixture.txt"
    executed = fixture_root / "reports" / other / "notebooks" / "fixture.ipynb"
    before = (theirs.read_bytes(), executed.read_bytes())
    result = run_cli("run", "--story", FIXTURE_STORY, "--force", "-p", "content=changed",
                     root=fixture_root)
    assert result.returncode == 0, result.stderr
    assert (theirs.read_bytes(), executed.read_bytes()) == before
    mine = fixture_root / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    assert mine.read_text() == "changed"


def test_unknown_story_is_refused_before_any_kernel(fixture_root: Path):
    result = run_cli("run", "--story", "fixture-stroy", root=fixture_root)
    assert result.returncode == 2
    assert "did you mean fixture-story?" in result.stderr
    assert not (fixture_root / "reports").exists()


def _with_optional_step(root: Path) -> None:
    """The fixture pipeline plus a step that requires a corpus the fixture story lacks."""
    import yaml

    file = root / "notebooks" / "pipeline.yml"
    pipeline = yaml.safe_load(file.read_text())
    pipeline["notebooks"]["needs_corpus"] = {
        "notebook": "notebooks/fixture.ipynb", "requires": ["retellings"],
        "inputs": ["retellings"], "outputs": ["data/processed/{story}/corpus.txt"],
        "parameters": {}}
    file.write_text(yaml.safe_dump(pipeline))


def test_a_step_is_left_out_for_a_story_without_its_required_file(fixture_root: Path,
                                                                   monkeypatch):
    _with_optional_step(fixture_root)
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(fixture_root))
    assert [s.step for s in runner.load_pipeline()] == ["fixture"]
    assert runner.left_out([FIXTURE_STORY]) == [
        f"[skip] {FIXTURE_STORY}/needs_corpus (no retellings.csv)"]
    corpus = fixture_root / "data" / "curated" / FIXTURE_STORY / "retellings.csv"
    corpus.parent.mkdir(parents=True)
    corpus.write_text("url,outlet,published,language,credited_to,retrieved,text\n")
    assert [s.step for s in runner.load_pipeline()] == ["fixture", "needs_corpus"]
    assert runner.left_out([FIXTURE_STORY]) == []


def test_a_run_says_which_steps_it_leaves_out_and_does_not_fail(fixture_root: Path):
    _with_optional_step(fixture_root)
    result = run_cli("run", "--dry-run", root=fixture_root)
    assert result.returncode == 0, result.stderr
    assert f"[skip] {FIXTURE_STORY}/needs_corpus (no retellings.csv)" in result.stdout
    assert f"{FIXTURE_STORY}/fixture" in result.stdout


def _python_in_repo(code: str) -> str:
    """Run ``code`` in a fresh interpreter at the repository root (a clean sys.modules);
    its stdout, after checking it exited 0."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_figures_notebooks_imports_leave_pint_out_and_weights_are_still_read():
    """pint and its unit registry (0.3 s) load at the first physical quantity read, not when
    a figures kernel imports the parser."""
    assert _python_in_repo(
        "import sys\n"
        "from pathlib import Path\n"
        "from crimefigures.pipeline import kernels\n"
        "exec(kernels.warm_code([Path('notebooks/04_publication_figures.ipynb')]))\n"
        "assert 'crimefigures.text.parse' in sys.modules\n"
        "assert 'pint' not in sys.modules, 'pint was imported'\n"
        "from crimefigures.text.parse import parse_figure\n"
        "print(parse_figure('1.5 tonnes').point, 'pint' in sys.modules)\n"
    ) == "1500.0 True"


def test_papermill_is_imported_without_the_iri_grammar_and_still_validates_notebooks():
    """The runner's papermill skips jsonschema's IRI checker (0.8 s of lark grammars per
    process); notebooks still validate, and a bad one is still refused."""
    assert _python_in_repo(
        "import sys\n"
        "from crimefigures.pipeline import params\n"
        "params.import_papermill()\n"
        "import nbformat\n"
        "assert 'lark' not in sys.modules, 'the IRI grammar was built'\n"
        "nb = nbformat.read('notebooks/01_clean_figures.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'not-a-cell'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('refused')\n"
    ) == "refused"


def test_a_running_notebook_reads_its_parameter_names_without_papermill():
    """publish.notebook_parameters asks only for names, read with json and ast, so a figures
    kernel never imports papermill or nbformat."""
    _python_in_repo(
        "import sys\n"
        "from crimefigures.pipeline import params\n"
        "names = params.parameter_names('notebooks/04_publication_figures.ipynb')\n"
        "assert names[:2] == ['story', 'language'], names\n"
        "assert not {'papermill', 'nbformat'} & set(sys.modules)\n"
    )
    from crimefigures.pipeline import params

    for notebook in sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb")):
        declared = params.declared_parameters(notebook, cache=None)
        assert params.parameter_names(notebook) == list(declared), notebook.name


# --- spare kernels ---------------------------------------------------------------------------


def kernels_in(root: Path) -> list[int]:
    """The running kernel processes whose working directory is ``root`` (a run's kernels)."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command = (process / "cmdline").read_bytes()
            folder = Path(os.readlink(process / "cwd"))
        except OSError:  # gone meanwhile, or a zombie
            continue
        if b"ipykernel" in command and folder.resolve() == root.resolve():
            found.append(int(process.name))
    return found


def test_a_spare_kernel_runs_the_next_step_in_that_steps_staging_and_no_kernel_is_left(
    fixture_root: Path,
):
    # One job: the second story's step runs in the spare started during the first one, which
    # was started while the first step's staging directory was the worker's.
    other = fixture_root / "data" / "raw" / "other-story" / "article.yml"
    other.parent.mkdir(parents=True)
    other.write_text("date_published: 2024-01-02\n")
    result = run_cli("run", "--jobs", "1", "-p", "content=v1", root=fixture_root)
    assert result.returncode == 0, result.stderr
    for story in (FIXTURE_STORY, "other-story"):
        assert (fixture_root / "data" / "processed" / story / "fixture.txt").read_text() == "v1"
    assert kernels_in(fixture_root) == []

    failed = run_cli("run", "-p", "content=v2", "-p", "fail=true", root=fixture_root)
    assert failed.returncode == 1
    assert "failed in cell 5" in failed.stderr
    assert kernels_in(fixture_root) == []


def test_a_spare_kernel_that_died_gives_way_to_a_fresh_one(
    fixture_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in (paths.ROOT_ENV, paths.STAGING_ENV, "PYTHONHASHSEED"):
        monkeypatch.setenv(name, "")  # restored after the test: execute_step sets them
    monkeypatch.setenv(paths.ROOT_ENV, str(fixture_root))
    monkeypatch.setattr(kernels, "_in_worker", True)  # as in a pool worker, minus the pool
    monkeypatch.setattr(kernels, "exit_on_sigterm", lambda: None)
    kernels.start_spare(str(fixture_root))
    [pid] = kernels_in(fixture_root)
    os.kill(pid, signal.SIGKILL)

    step = runner.load_pipeline(stories=[FIXTURE_STORY])[0]
    staging = tmp_path / "staging"
    staging.mkdir()
    result = runner.execute_step(step, {"story": FIXTURE_STORY, "content": "fresh"},
                                 str(fixture_root), str(staging))
    kernels.reap()
    assert result["failure"] is None
    written = staging / "data" / "processed" / FIXTURE_STORY / "fixture.txt"
    assert written.read_text() == "fresh"
    assert kernels_in(fixture_root) == []


def test_warm_imports_are_the_notebooks_imports_in_a_namespace_of_their_own(tmp_path: Path):
    notebook = tmp_path / "n.ipynb"
    cells = [{"cell_type": "code", "source": ["import json\n", "x = 1\n"]},
             {"cell_type": "code", "source": "%matplotlib inline\nimport pandas"},  # magic
             {"cell_type": "markdown", "source": "import os"},
             {"cell_type": "code", "source": "from pathlib import Path\nimport json"}]
    notebook.write_text(json.dumps({"cells": cells}))
    code = kernels.warm_code([notebook])
    assert code == "exec('import json\\nfrom pathlib import Path', {})"
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the code the kernel runs
    assert set(namespace) == {"__builtins__"}
