"""Run the notebooks through papermill, for every story, in dependency order, incrementally.

``notebooks/pipeline.yml`` lists each notebook's inputs, outputs and the
parameters the pipeline passes, once for any story: inputs and outputs are table
names from :mod:`crimefigures.pipeline.registry` (or path templates with ``{story}``). The
runner makes one step per story and notebook, passes ``story``, and orders them by those
inputs/outputs (independent ones run side by side), checks parameters before
any kernel starts, skips a notebook whose source, parameters, inputs and the
package's own source are unchanged since its last success (and whose outputs are
still the ones it wrote), and publishes outputs only when a notebook succeeds:
while it runs, the package writes into a staging directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml

from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import atomic, kernels, params, paths, registry

PIPELINE_FILE = "notebooks/pipeline.yml"
STATE_FILE = "reports/run_state.json"
SUMMARY_FILE = "reports/run_summary.json"
EXECUTED_DIR = "reports/{story}/notebooks"
FAILED_DIR = "reports/{story}/failed"
STAGING_DIR = "reports/.staging"
LOCK_FILE = "reports/.run.lock"
CELL_TIMEOUT_SECONDS = 900
# Metadata that changes from run to run or machine to machine; dropped so that
# two runs with the same inputs give identical executed notebooks.
_VOLATILE_NOTEBOOK_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path",
                           "environment_variables", "exception")
_VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")


@dataclass(frozen=True)
class Step:
    """One notebook run for one story, as the pipeline defines it."""

    name: str  # "<story>/<step>"
    notebook: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    story: str = ""
    step: str = ""  # the step's name in pipeline.yml
    requires: tuple[str, ...] = ()  # inputs without which the step is left out for a story

    @property
    def executed_path(self) -> str:
        return f"{EXECUTED_DIR.format(story=self.story)}/{self.step}.ipynb"

    @property
    def failed_path(self) -> str:
        return f"{FAILED_DIR.format(story=self.story)}/{self.step}.ipynb"

    @property
    def notebook_path(self) -> Path:
        return paths.resolve(self.notebook)


class NotebookFailed(Exception):
    """A notebook raised; the message names it, the cell and the exception."""


def _expand_entry(entry: str, story: str, where: str) -> str:
    """A table name or a path template, as a path for one story."""
    if "/" in entry:
        return entry.format(story=story)
    if entry not in registry.TABLES:
        raise InputError(f"unknown table {entry!r}{params.suggest(entry, list(registry.TABLES))}",
                         file=PIPELINE_FILE, field=where)
    return registry.path(entry, story)


def load_pipeline(path: str | Path = PIPELINE_FILE,
                  stories: Iterable[str] | None = None) -> list[Step]:
    """The steps of the pipeline for each story (default: every story), in file order."""
    chosen = list(paths.stories() if stories is None else stories)
    templates = load_templates(path)
    return [Step(name=f"{story}/{t.name}", notebook=t.notebook,
                 inputs=tuple(_expand_entry(e, story, f"{t.name}.inputs") for e in t.inputs),
                 outputs=tuple(_expand_entry(e, story, f"{t.name}.outputs") for e in t.outputs),
                 parameters={"story": story, **t.parameters}, story=story, step=t.name,
                 requires=t.requires)
            for story in chosen for t in templates if missing_requirement(t, story) is None]


def missing_requirement(template: Step, story: str) -> str | None:
    """The first file a step requires (``requires:``) that the story lacks, or None."""
    for entry in template.requires:
        file = _expand_entry(entry, story, f"{template.name}.requires")
        if not paths.resolve(file).is_file():
            return file
    return None


def left_out(stories: Iterable[str], path: str | Path = PIPELINE_FILE) -> list[str]:
    """'[skip] story/step (no retellings.csv)' for each step a story lacks a required file for."""
    templates = load_templates(path)
    return [f"[skip] {story}/{t.name} (no {Path(missing).name})" for story in stories
            for t in templates if (missing := missing_requirement(t, story)) is not None]


def load_templates(path: str | Path = PIPELINE_FILE) -> list[Step]:
    """The steps as pipeline.yml describes them, before they are made per story."""
    file = paths.resolve(path)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("pipeline manifest not found", file=paths.relative(file)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML ({exc.problem})", file=paths.relative(file)) from None
    entries = document.get("notebooks") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise InputError("expected a mapping 'notebooks:' of steps", file=paths.relative(file))
    steps = []
    for name, entry in entries.items():
        for key in ("notebook", "inputs", "outputs"):
            if key not in (entry or {}):
                raise InputError("missing key", file=paths.relative(file), field=f"{name}.{key}")
        requires = tuple(entry.get("requires") or ())
        if set(requires) - set(entry["inputs"] or ()):
            raise InputError("a required table must also be an input", file=paths.relative(file),
                             field=f"{name}.requires")
        steps.append(Step(
            name=name,
            notebook=entry["notebook"],
            inputs=tuple(entry["inputs"] or ()),
            outputs=tuple(entry["outputs"] or ()),
            parameters=dict(entry.get("parameters") or {}),
            step=name,
            requires=requires,
        ))
    return steps


def _produces(step: Step, path: str) -> bool:
    """Whether path is one of the step's outputs; "dir/" means the files directly in dir."""
    return any(path == out or (out.endswith("/") and path.startswith(out)
                               and "/" not in path[len(out):]) for out in step.outputs)


def upstream_steps(steps: list[Step]) -> dict[str, set[str]]:
    """For each step, the steps that write one of its inputs."""
    return {
        s.name: {o.name for o in steps if o is not s and any(_produces(o, i) for i in s.inputs)}
        for s in steps
    }


def dependency_levels(steps: list[Step]) -> list[list[Step]]:
    """Steps grouped so each group depends only on earlier groups."""
    upstream = upstream_steps(steps)
    done: set[str] = set()
    levels: list[list[Step]] = []
    while len(done) < len(steps):
        ready = [s for s in steps if s.name not in done and upstream[s.name] <= done]
        if not ready:
            cycle = sorted(set(upstream) - done)
            raise InputError(f"dependency cycle among {', '.join(cycle)}", file=PIPELINE_FILE)
        levels.append(ready)
        done.update(s.name for s in ready)
    return levels


def select(steps: list[Step], names: Iterable[str]) -> list[Step]:
    """The steps named; all when none are. A notebook path or stem selects every step that
    runs that notebook (both languages of the figures notebook, say)."""
    wanted = list(names)
    if not wanted:
        return steps
    chosen: set[str] = set()
    for name in wanted:
        key = Path(name).as_posix().removeprefix("./")
        matches = {s.name for s in steps if key in {s.name, s.step, s.notebook,
                                                    Path(s.notebook).name, Path(s.notebook).stem}}
        if not matches:
            valid = list(dict.fromkeys(s.step for s in steps))
            raise ParameterError(
                f"unknown notebook{params.suggest(key, valid)}; steps: {', '.join(valid)}",
                file=PIPELINE_FILE,
            )
        chosen |= matches
    return [s for s in steps if s.name in chosen]


def resolve_parameters(
    step: Step, cli: Mapping[str, str], from_file: Mapping[str, Any],
    parameter_file: str | None = None,
) -> dict[str, Any]:
    """The parameters a step runs with: pipeline.yml, then -f file, then -p values."""
    declared = params.declared_parameters(step.notebook_path)
    merged = params.resolve(declared, step.parameters, raw=False, file=PIPELINE_FILE)
    merged |= params.resolve(declared, {k: v for k, v in from_file.items() if k in declared},
                             raw=False, file=parameter_file)
    merged |= params.resolve(declared, {k: v for k, v in cli.items() if k in declared}, raw=True)
    params.check_rules({**{n: p.default for n, p in declared.items()}, **merged},
                       file=step.notebook)
    return merged


def check_names(steps: list[Step], cli: Mapping[str, str], from_file: Mapping[str, Any]) -> None:
    """Every -p / -f name must be declared by at least one selected notebook."""
    valid: set[str] = set()
    for step in steps:
        valid |= set(params.declared_parameters(step.notebook_path))
    for name in [*cli, *from_file]:
        if name not in valid:
            raise params.unknown_parameter(name, sorted(valid))


def read_parameter_file(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("parameter file not found", file=path) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParameterError(f"not valid YAML ({type(exc).__name__})", file=path) from None
    if document is None:
        return {}
    if not isinstance(document, dict) or not all(isinstance(k, str) for k in document):
        raise ParameterError("expected a mapping of parameter names to values", file=path)
    return document


# --- hashing -------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(entries: Iterable[str]) -> list[Path]:
    """Files named by entries; an entry ending in '/' means the files directly in it."""
    files: list[Path] = []
    for entry in entries:
        target = paths.resolve(entry)
        if entry.endswith("/"):
            files.extend(sorted(p for p in target.glob("*") if p.is_file()))
        else:
            files.append(target)
    return files


def hash_files(files: Iterable[Path]) -> dict[str, str | None]:
    return {paths.relative(f): (file_sha256(f) if f.is_file() else None) for f in files}


PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole package, every sub-package
_SOURCE_SUFFIXES = {".py", ".yml", ".json", ".html", ".css", ".j2", ".ttf"}


def package_files() -> list[Path]:
    """Every file of the package that can change what a notebook produces."""
    return [f for f in sorted(PACKAGE_DIR.rglob("*"))
            if f.is_file() and f.suffix in _SOURCE_SUFFIXES and "__pycache__" not in f.parts]


def package_source_hash() -> str:
    digest = hashlib.sha256()
    for file in package_files():
        digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def step_key(step: Step, parameters: Mapping[str, Any], package_hash: str) -> str:
    """A content hash of everything that decides what the step produces."""
    missing = [paths.relative(f) for f in expand(step.inputs) if not f.is_file()]
    if missing:
        raise InputError("input file is missing", file=missing[0], field=f"{step.name}.inputs")
    record = {
        "notebook": file_sha256(step.notebook_path),
        "parameters": parameters,
        "inputs": hash_files(expand(step.inputs)),
        "parameter_files": hash_files(parameter_files(parameters)),
        "package": package_hash,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def parameter_files(parameters: Mapping[str, Any]) -> list[Path]:
    """Every existing file a parameter points to (``-p claims_path=my.csv``): its content is
    part of the step's key, so editing it reruns the step."""
    found = []
    for value in parameters.values():
        if isinstance(value, str) and value.strip():
            try:
                candidate = paths.resolve(value)
                if candidate.is_file():
                    found.append(candidate)
            except (OSError, ValueError):
                continue
    return sorted(set(found))


def load_state() -> dict[str, Any]:
    file = paths.resolve(STATE_FILE)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def is_current(step: Step, key: str, state: Mapping[str, Any]) -> bool:
    previous = state.get(step.name)
    if not previous or previous.get("key") != key:
        return False
    return hash_files(expand(step.outputs)) == previous.get("outputs")


# --- executing one notebook ----------------------------------------------------------------


def normalise_notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    """Drop run-specific metadata so equal runs give equal bytes."""
    meta = notebook.get("metadata", {}).get("papermill", {})
    for key in _VOLATILE_NOTEBOOK_KEYS:
        meta.pop(key, None)
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if "id" in cell:
            cell["id"] = f"cell-{number:03d}"  # nbformat invents random ids
        for key in _VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
    return notebook


def notebook_bytes(notebook: dict[str, Any]) -> bytes:
    return (json.dumps(normalise_notebook(notebook), indent=1, sort_keys=True,
                       ensure_ascii=False) + "\n").encode("utf-8")


def _source_cell_number(notebook: dict[str, Any], cell_index: int) -> int:
    """1-based cell number in the source notebook, as JupyterLab counts cells.

    ``cell_index`` counts the cells as they were executed; the saved notebook also holds the
    cells papermill adds after a failure (a header at the top, an anchor before the failing
    cell), which are dropped first, and the injected-parameters cell, which the source lacks.
    """
    executed = [c for c in notebook.get("cells", [])
                if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = [i for i, c in enumerate(executed)
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    shift = 1 if injected and cell_index > injected[0] else 0
    return cell_index - shift + 1


def execute_step(step: Step, parameters: dict[str, Any], root: str, staging: str,
                 keep_spare: bool = False) -> dict:
    """Run one notebook in this process, in the worker's spare kernel when it has a usable one;
    ``keep_spare`` starts the next spare for a later step, to warm while this one runs.
    Returns the executed notebook and the failure, if any."""
    import warnings

    pm = params.import_papermill()
    from papermill.exceptions import PapermillExecutionError

    warnings.filterwarnings("ignore", module="jupyter_client")
    warnings.filterwarnings("ignore", module="zmq")
    os.environ[paths.ROOT_ENV] = root
    os.environ[paths.STAGING_ENV] = staging
    os.environ["PYTHONHASHSEED"] = kernels.HASH_SEED
    output = Path(staging) / "executed.ipynb"
    failure = None
    started = time.monotonic()
    manager = kernels.take_spare()
    if keep_spare:
        kernels.start_spare(root)
    kernels.reap()  # the kernel of this worker's previous step, asked to shut down then
    try:
        pm.execute_notebook(
            str(Path(root) / step.notebook), str(output), parameters=parameters,
            kernel_name=kernels.KERNEL_NAME, cwd=root, progress_bar=False, log_output=False,
            execution_timeout=CELL_TIMEOUT_SECONDS, request_save_on_cell_execute=False,
            extra_arguments=list(kernels.KERNEL_ARGUMENTS),
            kernel_manager_class=kernels.quiet_kernel_manager(),
            **({} if manager is None else {"km": manager}),
        )
    except PapermillExecutionError as exc:
        last = str(exc.evalue).strip().splitlines()
        failure = {"cell_index": exc.cell_index, "ename": exc.ename,
                   "evalue": last[-1] if last else ""}
    except Exception as exc:  # kernel death, missing kernel, unreadable notebook
        failure = {"cell_index": None, "ename": type(exc).__name__,
                   "evalue": str(exc).strip().splitlines()[-1] if str(exc).strip() else ""}
    finally:
        if manager is not None:  # nbclient shuts down only the kernels it started
            kernels.stop_later(manager)
        kernels.exit_on_sigterm()
    # This step's own time: a cold kernel's start is in it, a spare's start and imports are not.
    seconds = time.monotonic() - started
    executed = json.loads(output.read_text(encoding="utf-8")) if output.is_file() else None
    output.unlink(missing_ok=True)
    kernels_started = kernels.take_started() + (manager is None)  # nbclient started one
    return {"notebook": executed, "failure": failure, "seconds": seconds,
            "kernels_started": kernels_started}


def publish_staged(step: Step, staging: Path) -> list[str]:
    """Move a successful step's staged outputs into place; undeclared writes are an error."""
    staged = sorted(p for p in staging.rglob("*") if p.is_file() and not p.name.startswith("."))
    undeclared = [p.relative_to(staging).as_posix() for p in staged
                  if not _produces(step, p.relative_to(staging).as_posix())]
    if undeclared:
        raise NotebookFailed(
            f"{step.name}: wrote {undeclared[0]}, which {PIPELINE_FILE} does not list as an output"
        )
    published = []
    for file in staged:
        relative = file.relative_to(staging).as_posix()
        target = paths.resolve(relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
        except OSError as exc:
            raise InputError(f"cannot publish output ({exc.strerror})", file=relative) from None
        published.append(relative)
    return published


# --- the run -------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    status: str  # ran, skipped, failed, planned
    seconds: float = 0.0
    key: str = ""
    message: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


def _print(line: str) -> None:
    print(line, flush=True)


def run(
    names: Iterable[str] = (),
    *,
    cli_parameters: Mapping[str, str] | None = None,
    parameter_file: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    jobs: int = 2,
    stories: Iterable[str] = (),
    language: str | None = None,
    say: Callable[[str], None] = _print,
) -> list[Outcome]:
    """Run the pipeline (or the named steps) for the stories named (default: every story);
    ``language`` keeps only the steps for that language. Raises NotebookFailed on the first
    failure."""
    chosen = check_stories(stories)
    steps = select(load_pipeline(stories=chosen), names)
    for line in left_out(chosen):
        say(line)
    if language is not None:
        steps = [s for s in steps if s.parameters.get("language", language) == language]
        if not steps:
            raise ParameterError(f"no step makes figures in {language!r}", field="language")
    cli_parameters = dict(cli_parameters or {})
    if "story" in cli_parameters or "story" in (read_parameter_file(parameter_file)
                                                 if parameter_file else {}):
        raise ParameterError("choose stories with --story SLUG, not as a parameter",
                             field="story")
    from_file = read_parameter_file(parameter_file) if parameter_file else {}
    check_names(steps, cli_parameters, from_file)
    plan = {s.name: resolve_parameters(s, cli_parameters, from_file, parameter_file)
            for s in steps}
    levels = dependency_levels(steps)
    if dry_run:
        return _dry_run(levels, plan, force, say)
    from filelock import FileLock, Timeout

    lock_path = paths.resolve(LOCK_FILE)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting: another run holds {LOCK_FILE}")
        lock.acquire()
    try:
        outcomes = _run_levels(levels, plan, force, jobs, say)
        params.save_parameter_cache()
        return outcomes
    finally:
        lock.release()


def check_stories(stories: Iterable[str]) -> list[str]:
    """The stories asked for, each checked to exist; every story when none is named."""
    known = paths.stories()
    wanted = list(dict.fromkeys(stories)) or known
    for story in wanted:
        registry.check_slug(story)
        if story not in known:
            raise ParameterError(f"no story {story!r} (no data/raw/{story}/article.yml)"
                                 f"{params.suggest(story, known)}; stories: {', '.join(known)}",
                                 field="story")
    if not wanted:
        raise InputError("no stories: data/raw/<story>/article.yml is missing for every folder",
                         file="data/raw")
    return wanted


def _dry_run(levels, plan, force, say) -> list[Outcome]:
    state = load_state()
    package_hash = package_source_hash()
    outcomes = []
    for level in levels:
        for step in level:
            try:
                key = step_key(step, plan[step.name], package_hash)
            except InputError:  # an input an earlier step would make
                key = ""
            verb = ("skip" if key and not force and is_current(step, key, state)
                    else "would run")
            say(f"[{verb}] {step.name} {json.dumps(plan[step.name], sort_keys=True)}")
            outcomes.append(Outcome(step.name, "planned", key=key, parameters=plan[step.name]))
    return outcomes


def _run_levels(levels, plan, force, jobs, say) -> list[Outcome]:
    steps = [step for level in levels for step in level]
    outcomes: list[Outcome] = []
    started = time.monotonic()
    schedule = _Schedule(steps, plan, force, say, outcomes)
    try:
        schedule.run(jobs)
    finally:
        _write_summary(outcomes, time.monotonic() - started, schedule.kernels_started)
    ran = sum(o.status == "ran" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    say(f"done: {ran} ran, {skipped} skipped in {time.monotonic() - started:.1f}s")
    return outcomes


class _Schedule:
    """Start each step as soon as the steps it needs are done, ``jobs`` at a time, in one pool
    of kernel-launching processes. Waiting for a whole level left a core idle while the
    level's last step ran (the drift notebook behind both figure languages), and a fresh pool
    per level started its processes again. After a failure nothing new starts; the running
    steps finish and the first failure is raised."""

    def __init__(self, steps: list[Step], plan: dict, force: bool, say: Callable,
                 outcomes: list[Outcome]) -> None:
        self.plan, self.force, self.say, self.outcomes = plan, force, say, outcomes
        self.root = paths.repo_root()
        self.state = load_state()
        self.package_hash = package_source_hash()
        self.upstream = upstream_steps(steps)
        self.waiting = start_order(steps, self.upstream)
        self.done: set[str] = set()
        self.running: dict[Any, tuple[Step, str, Path]] = {}
        self.failures: list[Outcome] = []
        self.kernels_started = 0  # as the workers report them
        self.warming: list[Any] = []  # the tasks that start idle workers (and their spares)

    def run(self, jobs: int) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait

        notebooks = sorted({s.notebook_path for s in self.waiting})
        pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn"),
                                   initializer=kernels.start_worker,
                                   initargs=(str(self.root), kernels.warm_code(notebooks)))
        with _sigterm_ends_the_run(), pool:
            self._start_ready(pool, jobs)
            if self.running and self.waiting:
                # The pool starts a worker only when a step finds none idle; start the others
                # now (each task makes one), so their spare kernels warm before steps need them.
                self.warming = [pool.submit(kernels.take_started)
                                for _ in range(jobs - len(self.running))]
            while self.running:
                finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
                for future in finished:
                    self._finish(future, *self.running.pop(future))
                if not self.failures:
                    self._start_ready(pool, jobs)
        # The pool has shut down: every worker has finished its tasks.
        self.kernels_started += sum(f.result() for f in self.warming if f.exception() is None)
        if self.failures:
            self.outcomes.extend(self.failures)
            raise NotebookFailed(self.failures[0].message)

    def _start_ready(self, pool: ProcessPoolExecutor, jobs: int) -> None:
        """Skip the ready steps that are current, start the others while a job is free."""
        starting: list[tuple[Step, str]] = []
        progress = True
        while progress:
            progress = False
            for step in [s for s in self.waiting if self.upstream[s.name] <= self.done]:
                key = step_key(step, self.plan[step.name], self.package_hash)
                if not self.force and is_current(step, key, self.state):
                    self.say(f"[skip] {step.name} (unchanged)")
                    self.outcomes.append(Outcome(step.name, "skipped", key=key,
                                                 parameters=self.plan[step.name]))
                    self.done.add(step.name)
                elif len(self.running) + len(starting) < jobs:
                    starting.append((step, key))
                else:
                    continue
                self.waiting.remove(step)
                progress = True
        for step, key in starting:
            # A worker starts its next spare kernel only while steps still wait: a spare no
            # step takes would take a core from the last steps.
            future = self._submit(pool, step, keep_spare=bool(self.waiting))
            self.running[future] = (step, key, self._staging(step))

    def _staging(self, step: Step) -> Path:
        return paths.resolve(STAGING_DIR) / step.name

    def _submit(self, pool: ProcessPoolExecutor, step: Step, keep_spare: bool) -> Any:
        staging = self._staging(step)
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True)
        except OSError as exc:
            raise InputError(f"cannot create the staging directory ({exc.strerror})",
                             file=paths.relative(staging)) from None
        self.say(f"[run] {step.name}")
        return pool.submit(execute_step, step, self.plan[step.name], str(self.root),
                           str(staging), keep_spare)

    def _finish(self, future: Any, step: Step, key: str, staging: Path) -> None:
        result = future.result()
        self.kernels_started += result["kernels_started"]
        if result["failure"]:
            self.failures.append(_record_failure(step, result, staging))
            return
        try:
            # The executed notebook first: if it cannot be written, nothing is published.
            atomic.write_bytes(step.executed_path, notebook_bytes(result["notebook"]))
            publish_staged(step, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.state[step.name] = {"key": key, "outputs": hash_files(expand(step.outputs))}
        atomic.write_text(STATE_FILE, json.dumps(self.state, indent=1, sort_keys=True) + "\n")
        self.say(f"[done] {step.name} {result['seconds']:.1f}s")
        self.outcomes.append(Outcome(step.name, "ran", result["seconds"], key,
                                     parameters=self.plan[step.name]))
        self.done.add(step.name)


def _end_on_sigterm(*_: Any) -> None:
    """Pass SIGTERM on to the pool's workers, then end the run. Ctrl-C reaches every process
    of the terminal's group; a SIGTERM sent to the runner alone did not, and the pool's
    shutdown waited for the workers' steps to finish (a long cell kept the run alive)."""
    import multiprocessing

    for worker in multiprocessing.active_children():
        worker.terminate()  # its step ends; it stops its kernels (kernels.exit_on_sigterm)
    sys.exit(128 + signal.SIGTERM)


@contextmanager
def _sigterm_ends_the_run() -> Iterator[None]:
    """SIGTERM raises SystemExit here, as Ctrl-C raises KeyboardInterrupt: the workers end
    their steps, the pool is shut down and the workers stop their kernels. Killed outright,
    the runner would leave its workers waiting for work forever, each with a spare kernel."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _end_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def start_order(steps: list[Step], upstream: Mapping[str, set[str]] | None = None,
                ) -> list[Step]:
    """Of the steps ready at once, those with more steps behind them start first (the drift
    notebook, which its Indonesian run waits for, before the figures); otherwise ``steps``'s
    order. ``upstream`` is :func:`upstream_steps` of ``steps``, when the caller has it."""
    upstream = upstream_steps(steps) if upstream is None else upstream
    below = {s.name: {d.name for d in steps if s.name in upstream[d.name]} for s in steps}
    return sorted(steps, key=lambda s: -len(_closure(s.name, below)))


def _closure(name: str, below: Mapping[str, set[str]]) -> set[str]:
    """Every step downstream of ``name``."""
    found: set[str] = set()
    todo = list(below[name])
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(below[current])
    return found


def _record_failure(step: Step, result: dict, staging: Path) -> Outcome:
    failure = result["failure"]
    notebook = result["notebook"]
    where = ""
    if failure["cell_index"] is not None and notebook is not None:
        where = f" in cell {_source_cell_number(notebook, failure['cell_index'])}"
    kept = ""
    if notebook is not None:
        target = step.failed_path
        atomic.write_bytes(paths.resolve(target), notebook_bytes(notebook))
        kept = f"; executed notebook kept in {target}"
    shutil.rmtree(staging, ignore_errors=True)
    message = (f"{step.notebook} failed{where}: {failure['ename']}: {failure['evalue']}"
               f"{kept}")
    return Outcome(step.name, "failed", message=message)


def _write_summary(outcomes: list[Outcome], seconds: float, kernels_started: int) -> None:
    summary = {
        "python": sys.version.split()[0],
        "total_seconds": round(seconds, 3),
        "kernels_started": kernels_started,  # spares included, used or not
        "notebooks": [
            {"name": o.name, "status": o.status, "seconds": round(o.seconds, 3), "key": o.key,
             "parameters": o.parameters, "message": o.message}
            for o in outcomes
        ],
    }
    atomic.write_text(SUMMARY_FILE, json.dumps(summary, indent=1, sort_keys=True) + "\n")
