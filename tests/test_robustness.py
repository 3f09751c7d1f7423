"""Runs that are killed, run twice at once, cut off from the network, fed code, or repeated.

Each test runs ``python -m crimefigures`` in subprocesses against temporary copies of the
repository. "Outputs" here means every file under ``data/processed/``, ``figures/`` and
``reports/interpol-2024-03/notebooks/``; the run's own bookkeeping (``reports/run_summary.json``,
``reports/run_state.json``, ``reports/failed/``, ``reports/.staging/``, ``reports/.run.lock``)
is not an output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FIRST_STORY, built_once, copy_repo, copy_tree, first_story_only, run_cli

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
# one worker for this module: its fixtures are shared by its tests
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("robustness")]

ANALYSIS_STEPS = ("01_clean_figures", "02_ratio_analysis", "03_range_analysis")
OUTPUT_DIRS = ("data/processed", "figures", f"reports/{FIRST_STORY}/notebooks")
STAGING = "reports/.staging"
WAITING = "waiting: another run holds reports/.run.lock"


def output_hashes(root: Path, dirs: tuple[str, ...] = OUTPUT_DIRS) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for top in dirs
        for path in sorted((root / top).rglob("*"))
        if path.is_file()
    }


def start_run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The runner in its own session, so the whole group can be killed at once."""
    environment = {**os.environ, **(env or {}), "CRIMEFIGURES_ROOT": str(root)}
    return subprocess.Popen(
        [sys.executable, "-m", "crimefigures", "run", *args], cwd=root, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def processes_for(root: Path) -> list[int]:
    """Pids of live processes started for this copy (the runner exports its root to all)."""
    needle = f"CRIMEFIGURES_ROOT={root}".encode() + b"\x00"
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes() + b"\x00"
            state = (entry / "stat").read_text().split(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in environ and state != "Z":
            pids.append(int(entry.name))
    return pids


def kill_leftovers(root: Path) -> None:
    for pid in processes_for(root):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def fresh(executed_first_story: Path) -> Iterator[Path]:
    """A copy (of the first story) on which the whole pipeline has run from nothing."""
    yield executed_first_story


def has_files(folder: Path) -> bool:
    try:
        return any(p.is_file() for p in folder.rglob("*"))
    except OSError:  # the runner removed it while we looked
        return False


def copy_of(tree: Path, target: Path) -> Path:
    shutil.copytree(tree, target)
    return target


# --- SIGKILL part-way through a run ----------------------------------------------------------


def test_sigkill_mid_run_leaves_old_or_new_outputs_and_rerun_completes(
    fresh: Path, tmp_path: Path
):
    new = output_hashes(fresh)
    root = copy_of(fresh, tmp_path / "repo")
    # An "old" tree whose analysis outputs differ from a default run's. The figures step is
    # left out: publishing is the same for every step, and it would add a minute each time.
    old_run = run_cli("run", "--force", *ANALYSIS_STEPS, "-p", "seed=7", "-p", "draws=5000",
                      root=root)
    assert old_run.returncode == 0, old_run.stderr
    old = output_hashes(root)
    assert old != new, "old and new trees must differ for this test to mean anything"

    process = start_run(root, "--force", *ANALYSIS_STEPS)
    try:
        # Kill while notebook 03 has written its outputs to staging but before they are
        # published (or, failing that, while it runs): the most delicate moment.
        staging = root / STAGING / FIRST_STORY / "03_range_analysis"
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            if has_files(staging):
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        # Kernels run in sessions of their own; they must notice their parent died and exit.
        deadline = time.monotonic() + 20
        while processes_for(root) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_for(root) == [], "a kernel or worker outlived the killed run"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        kill_leftovers(root)

    after = output_hashes(root)
    assert set(after) == set(old) | set(new)
    mixed = {path for path, digest in after.items()
             if digest not in {old.get(path), new.get(path)}}
    assert mixed == set(), f"partial or foreign outputs: {sorted(mixed)}"
    assert any(after[p] == new[p] != old.get(p) for p in after), "nothing new was published"
    assert any(after[p] == old[p] != new.get(p) for p in after), "the kill came too late"

    rerun = run_cli("run", root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert output_hashes(root) == new


# --- two runs at once ------------------------------------------------------------------------


def test_two_simultaneous_runs_are_serialised_and_both_succeed(fresh: Path, tmp_path: Path):
    """Without a run state every step must run; the run that waits for the lock then finds
    everything current, which it can only know if it started after the other finished."""
    root = copy_of(fresh, tmp_path / "repo")
    (root / "reports" / "run_state.json").unlink()
    # the analysis steps: the lock is taken once per run, whatever the steps
    first = start_run(root, *ANALYSIS_STEPS)
    second = start_run(root, *ANALYSIS_STEPS)
    try:
        outputs = [p.communicate(timeout=900) for p in (first, second)]
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        kill_leftovers(root)
    assert [first.returncode, second.returncode] == [0, 0], outputs
    stdouts = [out for out, _ in outputs]
    waited = [WAITING in out for out in stdouts]
    assert sorted(waited) == [False, True], stdouts  # exactly one run waited for the other
    runner_out, waiter_out = stdouts[waited.index(False)], stdouts[waited.index(True)]
    assert runner_out.count("[done] ") == len(ANALYSIS_STEPS), runner_out
    assert waiter_out.count("[skip] ") == len(ANALYSIS_STEPS), waiter_out
    assert "[run]" not in waiter_out
    assert output_hashes(root) == output_hashes(fresh)
    assert [p for p in (root / STAGING).rglob("*") if p.is_file()] == []


# --- no network --------------------------------------------------------------------------------

SITECUSTOMIZE = '''
"""Test-only: refuse every socket address that is not loopback or a Unix socket."""
import ipaddress
import os
import socket

_LOG = os.environ["NO_NETWORK_LOG"]
_MARKERS = os.environ["NO_NETWORK_MARKERS"]
with open("/proc/self/cmdline", "rb") as _cmdline, \
        open(os.path.join(_MARKERS, str(os.getpid())), "w") as _marker:
    _marker.write(_cmdline.read().replace(b"\\0", b" ").decode())


def _local(host):
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def allowed(address):
    if isinstance(address, (str, bytes)):
        return True  # a Unix socket path
    return _local(address[0])


def _refuse(what):
    with open(_LOG, "a") as log:
        log.write(f"{os.getpid()} {what}\\n")
    raise OSError(101, f"network blocked by the test: {what}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_create_connection = socket.create_connection
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    if not allowed(address):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if not allowed(address):
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


def create_connection(address, *args, **kwargs):
    if not allowed(address):
        _refuse(f"create_connection {address!r}")
    return _create_connection(address, *args, **kwargs)


def getaddrinfo(host, *args, **kwargs):
    if not _local(host.decode() if isinstance(host, bytes) else host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


for _function in (connect, connect_ex, create_connection, getaddrinfo):
    _function.no_network = True
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.create_connection = create_connection
socket.getaddrinfo = getaddrinfo
'''


def make_no_network_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE))
    (tmp_path / "markers").mkdir()
    return make_no_network_env_paths(tmp_path)


def make_no_network_env_paths(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    existing = os.environ.get("PYTHONPATH")
    return {
        "PYTHONPATH": os.pathsep.join([str(site), *([existing] if existing else [])]),
        "NO_NETWORK_LOG": str(tmp_path / "network_attempts.log"),
        "NO_NETWORK_MARKERS": str(tmp_path / "markers"),
    }


@pytest.fixture
def no_network_env(tmp_path: Path) -> dict[str, str]:
    return make_no_network_env(tmp_path)


@pytest.fixture(scope="session")  # session: kept while the worker runs other modules too
def offline_copy(tmp_path_factory: pytest.TempPathFactory,
                 worker_id: str) -> tuple[Path, dict[str, str]]:
    """A second copy run from nothing with every socket off the machine refused: the run the
    no-network test and the determinism test both read (one run instead of two)."""
    def build(folder: Path) -> None:
        env = make_no_network_env(folder)
        result = run_cli("run", "--force", root=first_story_only(copy_repo(folder / "repo")),
                         env=env)
        assert result.returncode == 0, result.stderr

    folder = built_once(tmp_path_factory, worker_id, "offline", build)
    return folder / "repo", make_no_network_env_paths(folder)


def test_no_network_guard_is_loaded_and_refuses_outside_addresses(
    no_network_env: dict[str, str]
):
    check = (
        "import socket, sitecustomize as s\n"
        "assert socket.socket.connect.no_network and socket.getaddrinfo.no_network\n"
        "assert s.allowed(('127.0.0.1', 80)) and s.allowed(('::1', 80, 0, 0))\n"
        "assert s.allowed(('localhost', 80)) and s.allowed('/tmp/kernel.sock')\n"
        "assert not s.allowed(('192.0.2.1', 80)) and not s.allowed(('pypi.org', 443))\n"
        "try:\n"
        "    socket.getaddrinfo('example.invalid', 443)\n"  # refused before any lookup
        "except OSError as exc:\n"
        "    assert 'blocked' in str(exc)\n"
        "else:\n"
        "    raise AssertionError('getaddrinfo was not blocked')\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            env={**os.environ, **no_network_env}, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "example.invalid" in Path(no_network_env["NO_NETWORK_LOG"]).read_text()


def test_whole_pipeline_runs_without_network(fresh: Path, offline_copy):
    root, no_network_env = offline_copy
    log = Path(no_network_env["NO_NETWORK_LOG"])
    assert not log.exists(), log.read_text()
    markers = [p.read_text() for p in Path(no_network_env["NO_NETWORK_MARKERS"]).iterdir()]
    assert any("crimefigures" in m and "run" in m for m in markers), markers  # the runner
    kernels = [m for m in markers if "ipykernel_launcher" in m]
    steps = yaml.safe_load((root / "notebooks" / "pipeline.yml").read_text())["notebooks"]
    # The guard loaded in every kernel: each step's, and the spares the workers started ahead
    # of need (one per worker at most is never used).
    assert len(steps) <= len(kernels) <= len(steps) + 2, markers
    assert output_hashes(root) == output_hashes(fresh)


# --- parameter injection -------------------------------------------------------------------

INJECTION = (
    'v1"\nimport pathlib; pathlib.Path(MARKER).write_text("ran")\n'
    "x = '''\n\"\"\"\\n\\\\ \x07 {content} %(x)s $HOME `id` ; print('pwned') #"
)




@pytest.mark.parametrize("via", ["-p", "-f"])
def test_string_parameter_arrives_as_a_literal_and_runs_nothing(
    fixture_root: Path, tmp_path: Path, via: str
):
    marker = tmp_path / "injected_code_ran"
    value = INJECTION.replace("MARKER", repr(str(marker)))
    if via == "-p":
        args = ["-p", f"content={value}"]
    else:
        params = tmp_path / "params.yml"
        params.write_text(yaml.safe_dump({"content": value}), encoding="utf-8")
        args = ["-f", str(params)]
    result = run_cli("run", *args, root=fixture_root)
    assert result.returncode == 0, result.stderr
    written = (fixture_root / "data" / "processed" / "fixture-story" / "fixture.txt").read_text(
        encoding="utf-8")
    assert written == value
    assert not marker.exists()
    assert "pwned" not in result.stdout
    executed_path = fixture_root / "reports" / "fixture-story" / "notebooks" / "fixture.ipynb"
    executed = json.loads(executed_path.read_text())
    assert executed["metadata"]["papermill"]["parameters"]["content"] == value


# --- determinism -------------------------------------------------------------------------------


def test_two_copies_give_byte_identical_outputs(fresh: Path, offline_copy, tmp_path: Path):
    """A second copy, run with ``--force`` on its own, matches ``fresh`` byte for byte:
    tables, figures, executed notebooks and the rendered site."""
    fresh = copy_tree(fresh, tmp_path / "fresh")  # the shared run is never modified in place
    other = offline_copy[0]
    for root in (fresh, other):
        built = run_cli("site", root=root)
        assert built.returncode == 0, built.stderr
    dirs = (*OUTPUT_DIRS, "reports/site")
    first, second = output_hashes(fresh, dirs), output_hashes(other, dirs)
    assert any(p.startswith("figures/") for p in first)
    assert any(p.startswith("reports/interpol-2024-03/notebooks/") for p in first)
    assert any(p.startswith("reports/site/") for p in first)
    assert sorted(p for p in set(first) | set(second) if first.get(p) != second.get(p)) == []
