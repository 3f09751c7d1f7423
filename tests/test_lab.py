"""JupyterLab: `make lab` serves notebooks/ with the project kernel, and every notebook run top to
bottom with its own defaults, as "Run All" does there, gives the published results."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from conftest import FIRST_STORY, REPO, copy_repo, first_story_only
from nbclient import NotebookClient

from crimefigures.pipeline import paths, runner

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
# one worker for this module: its fixtures are shared by its tests
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("lab")]

TOKEN = "crimefigures-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _api(port: int, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return json.loads(text) if text else {}


@pytest.fixture
def lab_server():
    port = _free_port()
    # -o: never rebuild .venv from under the running tests, whatever the file times say.
    command = ["make", "--no-print-directory", "-o", ".venv/.crimefigures-installed", "lab",
               f"LAB_OPTS=--no-browser --port={port} --ServerApp.port_retries=0 "
               f"--IdentityProvider.token={TOKEN}"]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _api(port, "status")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    pytest.fail(f"make lab did not start a server:\n{output[-3000:]}")
                time.sleep(0.5)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_make_lab_serves_the_notebooks_with_the_crimefigures_kernel(lab_server: int):
    specs = _api(lab_server, "kernelspecs")
    assert "crimefigures" in specs["kernelspecs"]
    listed = {item["name"] for item in _api(lab_server, "contents")["content"]}
    on_disk = {path.name for path in (REPO / "notebooks").glob("*.ipynb")}
    assert on_disk and on_disk <= listed  # the notebook directory is notebooks/
    for name in sorted(on_disk):
        notebook = _api(lab_server, f"contents/{name}")["content"]
        assert notebook["metadata"]["kernelspec"]["name"] == "crimefigures", name
    kernel = _api(lab_server, "kernels", "POST", {"name": "crimefigures"})
    try:
        assert _api(lab_server, f"kernels/{kernel['id']}")["name"] == "crimefigures"
    finally:
        _api(lab_server, f"kernels/{kernel['id']}", "DELETE")


def test_each_notebook_run_all_with_its_defaults_gives_the_published_outputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = first_story_only(copy_repo(tmp_path / "repo"))
    steps = runner.load_pipeline(REPO / "notebooks" / "pipeline.yml", stories=[FIRST_STORY])
    # a notebook run with its own defaults is the first story's step named after it
    default_steps = [s for s in steps if s.step == Path(s.notebook).stem]
    published = _published_files(default_steps)
    for file in published:
        (copy / file).unlink()  # so every compared file below is written by this run
    notebooks = sorted((copy / "notebooks").glob("*.ipynb"))
    assert len(default_steps) == len(notebooks)
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)  # the kernel finds the root from its cwd
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        # JupyterLab starts the kernel in the notebook's folder; no parameters are injected.
        NotebookClient(notebook, kernel_name="crimefigures", timeout=600,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    assert len(published) >= 10
    for file in published:
        assert (copy / file).read_bytes() == (REPO / file).read_bytes(), file


def _published_files(steps: list[runner.Step]) -> list[Path]:
    """The committed files the steps write, relative to the repository."""
    files = []
    for step in steps:
        for output in step.outputs:
            # "figures/" means the files directly in it (figures/id/ is another step's).
            found = (REPO / output).glob("*") if output.endswith("/") else [REPO / output]
            files += [file.relative_to(REPO) for file in sorted(found) if file.is_file()]
    return files
