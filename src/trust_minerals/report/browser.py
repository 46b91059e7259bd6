"""One long-lived headless Chromium per process, driven over the DevTools protocol on a pipe.

Briefs become PDFs through :func:`shared_browser` (used by
:func:`trust_minerals.report.brief.html_to_pdf`): the first print starts
``chromium --headless --remote-debugging-pipe`` (no network, no GPU, no sandbox, a temporary
profile), every later print reuses it, each in its own browser context (no cookies or storage
shared between prints) that is disposed afterwards. A browser that died (killed, crashed, or
a protocol call that timed out) is replaced by a new one on the next print, and a print that was
cut off by its death is retried once. :func:`close_shared_browser` stops it (the API's shutdown
and ``atexit`` call it); if the process is killed, Chromium exits when its pipe closes.

The protocol messages are JSON texts separated by NUL bytes on file descriptors 3 (to the
browser) and 4 (from it), which is what ``--remote-debugging-pipe`` reads and writes; only the
standard library is needed (no websocket client, no Playwright at run time).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from trust_minerals.errors import TrustMineralsError

BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-pipe",
)


class BrowserError(TrustMineralsError, RuntimeError):
    """The shared browser could not print (it died, timed out or refused the page)."""


class _Died(BrowserError):
    """The browser process ended while a call was waiting (the print may be retried)."""


class _Connection:
    """One running Chromium and its DevTools pipe."""

    def __init__(self, exe: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="trust-browser-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # fds >= 10 so that bash can place them on 3 and 4 without overwriting each other (dash
        # accepts single-digit descriptors only, hence bash)
        child_in = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        args = [exe, *BROWSER_FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - read when the browser fails
        command = (
            f"exec {shlex.join(args)} 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-"
        )
        try:
            self.proc = subprocess.Popen(  # bash execs Chromium: one process, this PID
                [shutil.which("bash") or "/bin/bash", "-c", command],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                start_new_session=True,
            )
        except OSError as exc:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError(f"cannot start the browser {exe}: {exc.strerror or exc}") from None
        finally:
            os.close(child_in)
            os.close(child_out)
        self.write_fd = to_child_w
        self.read_fd = from_child_r
        self.send_lock = threading.Lock()
        self.lock = threading.Lock()
        self.next_id = 0
        self.pending: dict[int, list[Any]] = {}  # id -> [Event, message or None]
        self.sessions: dict[str, list[dict[str, Any]]] = {}
        self.session_event: dict[str, threading.Condition] = {}
        self.dead = False
        self.reader = threading.Thread(target=self._read, name="trust-browser-pipe", daemon=True)
        self.reader.start()

    # --- the pipe ---------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = bytearray()  # a PDF answer is one message of several MB: no quadratic copies
        try:
            while True:
                chunk = os.read(self.read_fd, 1 << 16)
                if not chunk:
                    break
                scanned = len(buffer)
                buffer.extend(chunk)
                while (end := buffer.find(b"\0", scanned)) >= 0:
                    self._dispatch(json.loads(bytes(buffer[:end])))
                    del buffer[: end + 1]
                    scanned = 0
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                os.close(self.read_fd)
        self._mark_dead()

    def _dispatch(self, msg: dict[str, Any]) -> None:
        with self.lock:
            if "id" in msg:
                waiter = self.pending.get(int(msg["id"]))
                if waiter is not None:
                    waiter[1] = msg
                    waiter[0].set()
                return
            session = str(msg.get("sessionId") or "")
            cond = self.session_event.get(session)
            if cond is not None:
                self.sessions[session].append(msg)
        if cond is not None:
            with cond:
                cond.notify_all()

    def _mark_dead(self) -> None:
        with self.lock:
            self.dead = True
            waiters = list(self.pending.values())
            conds = list(self.session_event.values())
        for waiter in waiters:
            waiter[0].set()
        for cond in conds:
            with cond:
                cond.notify_all()

    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """Send one protocol command and wait for its answer."""
        event = threading.Event()
        with self.lock:
            if self.dead:
                raise _Died("the browser process has ended")
            self.next_id += 1
            ident = self.next_id
            waiter: list[Any] = [event, None]
            self.pending[ident] = waiter
        msg: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        try:
            with self.send_lock:
                if self.write_fd < 0:
                    raise OSError("the pipe to the browser is closed")
                view = memoryview(data)
                while view:
                    view = view[os.write(self.write_fd, view) :]
        except OSError:
            self._mark_dead()
        try:
            if not event.wait(timeout):
                self.kill()  # an unresponsive browser is replaced, not waited on again
                raise BrowserError(f"the browser did not answer {method} within {timeout:g} s")
        finally:
            with self.lock:
                self.pending.pop(ident, None)
        answer = waiter[1]
        if answer is None:
            raise _Died(f"the browser process ended during {method}")
        if "error" in answer:
            raise BrowserError(f"{method} failed: {answer['error'].get('message', answer)}")
        return dict(answer.get("result", {}))

    def listen(self, session: str) -> None:
        with self.lock:
            self.sessions[session] = []
            self.session_event[session] = threading.Condition()

    def forget(self, session: str) -> None:
        with self.lock:
            self.sessions.pop(session, None)
            self.session_event.pop(session, None)

    def wait_event(self, session: str, method: str, timeout: float) -> None:
        cond = self.session_event[session]
        with cond:
            ok = cond.wait_for(
                lambda: self.dead or any(m.get("method") == method for m in self.sessions[session]),
                timeout,
            )
        if self.dead:
            raise _Died(f"the browser process ended while waiting for {method}")
        if not ok:
            raise BrowserError(f"the page did not finish loading within {timeout:g} s")

    def kill(self) -> None:
        """Stop the browser (polite close, then SIGKILL) and release the pipe and profile."""
        if self.proc.poll() is None:
            try:
                with self.send_lock:
                    if self.write_fd >= 0:
                        os.write(self.write_fd, b'{"id":0,"method":"Browser.close"}\0')
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._mark_dead()
        with self.send_lock:  # once: a closed descriptor's number may be reused elsewhere
            fd, self.write_fd = self.write_fd, -1
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)  # the reader closes its end when the pipe ends
        shutil.rmtree(self.profile, ignore_errors=True)
        self.stderr.close()

    def stderr_tail(self) -> str:
        """The last lines Chromium wrote to stderr (for the error of a failed start)."""
        try:
            self.stderr.seek(0)
            text = self.stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return " | ".join(text.strip().splitlines()[-3:])[-400:]

    # --- one print ------------------------------------------------------------------------------
    def print_pdf(self, html: str, timeout_s: float) -> bytes:
        context = self.call("Target.createBrowserContext", timeout=timeout_s)["browserContextId"]
        tmp = tempfile.mkdtemp(prefix="trust-brief-")
        session = ""
        try:
            page = Path(tmp) / "brief.html"
            page.write_text(html, encoding="utf-8")
            target = self.call(
                "Target.createTarget",
                {"url": "about:blank", "browserContextId": context},
                timeout=timeout_s,
            )["targetId"]
            session = self.call(
                "Target.attachToTarget", {"targetId": target, "flatten": True}, timeout=timeout_s
            )["sessionId"]
            self.listen(session)
            self.call("Page.enable", session=session, timeout=timeout_s)
            nav = self.call(
                "Page.navigate", {"url": page.as_uri()}, session=session, timeout=timeout_s
            )
            if nav.get("errorText"):
                raise BrowserError(f"the browser could not open the brief: {nav['errorText']}")
            self.wait_event(session, "Page.loadEventFired", timeout_s)
            result = self.call(
                "Page.printToPDF",
                {"printBackground": True, "preferCSSPageSize": True},
                session=session,
                timeout=timeout_s,
            )
            return base64.b64decode(result["data"])
        finally:
            if session:
                self.forget(session)
            shutil.rmtree(tmp, ignore_errors=True)
            if self.alive():
                with contextlib.suppress(BrowserError):  # the print's outcome is what counts
                    self.call(
                        "Target.disposeBrowserContext",
                        {"browserContextId": context},
                        timeout=timeout_s,
                    )


class SharedBrowser:
    """The process's one Chromium: started on first use, restarted if it died, closed at exit.

    Attributes
    ----------
    starts : int
        Chromium processes started so far (1 for a healthy server; for tests and monitoring).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: _Connection | None = None
        self.starts = 0

    def _connection(self) -> _Connection:
        from trust_minerals.report.brief import find_chromium

        with self._lock:
            if self._conn is not None and not self._conn.alive():
                self._conn.kill()
                self._conn = None
            if self._conn is None:
                self._conn = _Connection(find_chromium())
                self.starts += 1
            return self._conn

    @property
    def pid(self) -> int | None:
        """PID of the running Chromium (``None`` when none runs)."""
        conn = self._conn
        return conn.proc.pid if conn is not None and conn.alive() else None

    def print_pdf(self, html: str, timeout_s: float = 60.0) -> bytes:
        """Print ``html`` to PDF bytes (a browser that died during the print: retried once)."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                return conn.print_pdf(html, timeout_s)
            except _Died:
                if attempt == 2:
                    tail = conn.stderr_tail()
                    raise BrowserError(
                        "the browser ended twice while printing the brief"
                        + (f" (chromium: {tail})" if tail else "")
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Stop the browser if it runs (a later print starts a new one)."""
        with self._lock:
            if self._conn is not None:
                self._conn.kill()
                self._conn = None


_SHARED: SharedBrowser | None = None
_SHARED_LOCK = threading.Lock()


def shared_browser() -> SharedBrowser:
    """The process's one browser (created on first use; stopped at exit)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SharedBrowser()
            atexit.register(_SHARED.close)
        return _SHARED


def close_shared_browser() -> None:
    """Stop the process's browser if one runs (the API calls this on shutdown)."""
    with _SHARED_LOCK:
        browser = _SHARED
    if browser is not None:
        browser.close()
