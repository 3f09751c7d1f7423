"""Kernels for the runner's workers, each worker keeping one spare started ahead of need.

Starting a kernel (0.5 s) and importing what the notebooks import (pandas, pandera,
matplotlib, pint, the package's regexes: about 1 s) was a third of a step's time, paid on the
step's own core while the other core often idled. So each pool worker keeps a spare kernel,
started as nbclient starts one (same kernel, arguments, working directory and environment),
that imports the notebooks' modules in its own process while the worker's step runs, and
hands it to papermill for the next step (papermill passes ``km`` on to nbclient, which uses a
manager whose kernel is running). The imports run silently and in a namespace of their own:
execution counts still start at 1 and the notebook's namespace is a fresh kernel's.

nbclient shuts down only the kernels it starts, so every kernel started here is shut down
here: after its step, when the worker ends (also on Ctrl-C or SIGTERM), and when a spare
cannot be used (it died, its imports failed, the environment changed in a way it cannot
follow), in which case the step starts a fresh kernel as before.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import queue
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crimefigures.pipeline import paths

KERNEL_NAME = "crimefigures"
# The kernel's own log (the TCP-transport notice at start, a KeyboardInterrupt logged when
# papermill stops it after a failing cell) is not the user's business: cell errors reach the
# notebook and the one-line message regardless.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)
# What nbclient adds to the arguments of every IPython kernel it starts (ipython_hist_file).
HISTORY_ARGUMENT = "--HistoryManager.hist_file=:memory:"
HASH_SEED = "0"  # every kernel hashes alike, so sets and dicts come out in one order
WARM_TIMEOUT_SECONDS = 60.0  # papermill's own start_timeout
# The variables the package reads when it uses them, so a running kernel can be given a step's
# values; a change to any other (PYTHONHASHSEED is read at start) makes a spare unusable.
FOLLOWED_ENV = frozenset({paths.ROOT_ENV, paths.STAGING_ENV})


@functools.cache
def quiet_kernel_manager() -> type:
    """Kernels whose stderr does not reach the user's terminal. Two kernels starting at once
    on one machine (steps side by side, or two runs) can race for a free TCP port; the loser's
    heartbeat thread prints a traceback ("Address already in use") while the kernel works on.
    A cell's errors still reach the notebook, and a kernel that dies is still reported."""
    import subprocess

    from jupyter_client import AsyncKernelManager
    from traitlets import List

    class QuietKernelManager(AsyncKernelManager):
        # nbclient leaves the client of a kernel it does not own open (its heartbeat thread
        # running); shut_down closes the clients made here.
        clients_made = List()

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.DEVNULL
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients_made.append(made)
            return made

    return QuietKernelManager


def _wait(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a kernel manager's method (a coroutine or not) and wait for it, on this thread's
    event loop: the one nbclient runs the step on."""
    from jupyter_core.utils import ensure_async, run_sync

    async def call() -> Any:
        return await ensure_async(method(*args, **kwargs))

    return run_sync(call)()


def shut_down(manager: Any, *, now: bool = False) -> None:
    """Stop a kernel (politely unless ``now``, as nbclient does), its clients and its files."""
    for client in manager.clients_made:
        _wait(client.stop_channels)
    try:
        if _wait(manager.is_alive):
            _wait(manager.shutdown_kernel, now=now)
    finally:
        _wait(manager.cleanup_resources)


def stop_later(manager: Any) -> None:
    """Ask a used kernel to shut down and let it exit while the worker goes on: a kernel takes
    0.4-1 s to exit, which would otherwise be in every step's time. reap() collects it."""
    for client in manager.clients_made:
        _wait(client.stop_channels)
    with contextlib.suppress(Exception):  # it has died already: reap() cleans up
        _wait(manager.request_shutdown)
    _stopping.append(manager)


def reap() -> None:
    """Wait for the kernels asked to shut down (killing any that do not) and remove their
    files; by the next step they have long exited."""
    while _stopping:
        manager = _stopping.pop()
        try:
            _wait(manager.finish_shutdown)
        finally:
            _wait(manager.cleanup_resources)


def warm_code(notebooks: Iterable[Path]) -> str:
    """Code that runs the notebooks' import statements in a namespace of its own."""
    statements: dict[str, None] = {}  # in order, once each
    for notebook in notebooks:
        for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else source)
            except SyntaxError:  # IPython syntax (a magic): its imports are only not warmed
                continue
            for node in tree.body:
                relative = isinstance(node, ast.ImportFrom) and node.level  # the notebook's own
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not relative:
                    statements[ast.unparse(node)] = None
    return f"exec({chr(10).join(statements)!r}, {{}})"


@dataclass
class Spare:
    manager: Any
    client: Any  # blocking, shell channel only: for the silent requests
    warm_request: str  # the message id of the imports
    environment: dict[str, str]  # the worker's, when the kernel started


_spare: Spare | None = None  # this worker's
_stopping: list[Any] = []  # used kernels asked to shut down, not yet reaped
_warm_code = ""
_in_worker = False  # spares are kept only in pool workers, which shut them down at exit
_started = 0  # kernels this worker started and has not yet reported (take_started)


def start_worker(root: str, code: str) -> None:
    """Pool initializer: what every step of the run shares, the worker's first spare, and the
    spare's shutdown when the worker ends."""
    from multiprocessing import util

    global _warm_code, _in_worker
    _warm_code, _in_worker = code, True
    os.environ[paths.ROOT_ENV] = root
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    util.Finalize(None, drop_spare, exitpriority=10)  # runs as the worker process ends
    util.Finalize(None, reap, exitpriority=10)
    exit_on_sigterm()
    start_spare(root)


def exit_on_sigterm() -> None:
    """SIGTERM ends the worker by SystemExit, so the finalizers (and drop_spare) run. Call
    again after each step: nbclient sets SIGTERM back to the default when a notebook ends."""
    if not _in_worker:
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def start_spare(root: str) -> None:
    """Start this worker's spare kernel and send it the imports; returns without waiting."""
    global _spare, _started
    from jupyter_client.blocking import BlockingKernelClient

    drop_spare()
    if not _in_worker:
        return
    manager = quiet_kernel_manager()(kernel_name=KERNEL_NAME)
    environment = dict(os.environ)
    try:
        _wait(manager.start_kernel, extra_arguments=[*KERNEL_ARGUMENTS, HISTORY_ARGUMENT],
              cwd=root)
        _started += 1
        client = BlockingKernelClient(**manager.get_connection_info(session=True),
                                      parent=manager)
        client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        request = client.execute(_warm_code, silent=True, store_history=False,
                                 allow_stdin=False)
    except Exception:  # no spare; the step will start its kernel, and say what went wrong
        shut_down(manager, now=True)
        return
    _spare = Spare(manager, client, request, environment)


def take_started() -> int:
    """How many spare kernels this worker started since it last said; the runner sums them
    (a spare no step took was still a kernel started)."""
    global _started
    count, _started = _started, 0
    return count


def drop_spare() -> None:
    """Shut down this worker's spare kernel, if it has one."""
    global _spare
    spare, _spare = _spare, None
    if spare is not None:
        spare.client.stop_channels()
        shut_down(spare.manager, now=True)


def take_spare() -> Any | None:
    """The spare's kernel manager, its imports done and its environment this step's; None if
    there is no spare or it cannot be used (the step then starts a kernel of its own)."""
    global _spare
    spare, _spare = _spare, None
    if spare is None:
        return None
    try:
        request = _follow_environment(spare)
        usable = (request is not None and _succeeded(spare, spare.warm_request)
                  and _succeeded(spare, request))
    except Exception:  # the kernel died or stopped answering
        usable = False
    spare.client.stop_channels()
    if not usable:
        shut_down(spare.manager, now=True)
        return None
    return spare.manager


def _follow_environment(spare: Spare) -> str | None:
    """Give the kernel the variables the worker changed since it started (the step's staging
    directory); None if one of them is not one the kernel can follow."""
    now = dict(os.environ)
    changed = {k for k in {*now, *spare.environment} if now.get(k) != spare.environment.get(k)}
    if not changed <= FOLLOWED_ENV:
        return None
    update = {k: now[k] for k in changed if k in now}
    removed = sorted(k for k in changed if k not in now)
    code = (f"__import__('os').environ.update({update!r}); "
            f"[__import__('os').environ.pop(k, None) for k in {removed!r}]")
    return spare.client.execute(code, silent=True, store_history=False, allow_stdin=False)


def _succeeded(spare: Spare, request: str) -> bool:
    """Whether the kernel ran the request without an error (waiting for it to finish)."""
    deadline = time.monotonic() + WARM_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            reply = spare.client.get_shell_msg(timeout=0.2)
        except queue.Empty:
            if not _wait(spare.manager.is_alive):
                return False
            continue
        if reply["parent_header"].get("msg_id") == request:
            return reply["content"].get("status") == "ok"
    return False
