"""The Prefect API for one run: the server the user named (PREFECT_API_URL), else a temporary one
that saraban starts itself so that it dies with the run. Prefect's own temporary server outlives a
run killed with SIGKILL; this one is started with PR_SET_PDEATHSIG, and stopped on Ctrl-C.

``import prefect`` alone takes seconds, so the server is started without it (the package's folder is
found from its spec) before the run imports anything heavy."""
from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from flows.child_process import dies_with_parent
from flows.settings import quiet_prefect
from models.errors import OrchestrationError as ServerError

quiet_prefect()  # the server is started before flows.ingest (which sets them too) is imported


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryServer:
    """The run's own Prefect server, started at once and waited for later: it takes seconds to import,
    which the run spends listing files, importing and starting its workers."""

    def __init__(self) -> None:
        self.port = _free_port()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(importlib.util.find_spec("prefect").origin).parents[1]), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port), "--log-level",
             "critical", "--lifespan", "on"],
            # A session of its own: the terminal's Ctrl-C reaches the run, which then stops the server
            # after recording the run's end (uvicorn would otherwise shut down first, the run waiting on it).
            env=env, preexec_fn=dies_with_parent(signal.SIGTERM), start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/api"
        self._answered = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        """Until the server answers a first real request (its first takes most of a second, which
        is then spent beside the run's start, not in its first call), or exits."""
        while self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    httpx.get(f"{self.url}/admin/version", timeout=60)
                    self._answered.set()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self._answered.set()

    def wait(self, timeout_s: float = 180.0) -> str:
        """The API URL once the server answers."""
        if not self._answered.wait(timeout_s):
            raise ServerError(f"the temporary Prefect server did not answer within {timeout_s:g} s")
        if self.process.poll() is not None:
            raise ServerError(f"the temporary Prefect server exited at start (code {self.process.returncode})")
        return self.url

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def configured_api() -> str | None:
    """The Prefect API the user named (PREFECT_API_URL), if any."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def start_server() -> TemporaryServer | None:
    """A temporary server starting in the background, unless PREFECT_API_URL names an API (read from
    the environment: Prefect's settings cost its import; one named in a profile is found later by
    ``prefect_api``, which then stops this server)."""
    return None if os.environ.get("PREFECT_API_URL") else TemporaryServer()


@contextlib.contextmanager
def prefect_api(timeout_s: float = 180.0, server: TemporaryServer | None = None) -> Iterator[str]:
    """The API URL to use while the block runs: the user's, ``server`` (started earlier) or a new
    temporary server, stopped when the block ends."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if configured_api():
        if server is not None:
            server.stop()
        yield configured_api()
        return
    server = server or TemporaryServer()
    try:
        url = server.wait(timeout_s)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        server.stop()
