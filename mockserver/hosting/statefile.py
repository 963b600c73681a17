"""`fapi-mock --state FILE`: load the fake's state at start, save it atomically when it changes and at shutdown.

The file holds HMAC secrets, so it is created with mode 0o600 and replaced whole (temp file, fsync, rename): a crash
mid-write leaves the previous file, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path

from mockserver.config import ConfigError
from mockserver.domain.fields import SpecError
from mockserver.state import MockState

SAVE_INTERVAL_S = 1.0


def load_state_file(state: MockState, path: Path) -> bool:
    """Import `path` into `state` when it exists; False when it does not. Raises ConfigError for a bad file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read state file {path}: {exc}") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"state file {path} is not valid JSON: {exc}") from None
    try:
        state.import_state(data)
    except SpecError as exc:
        raise ConfigError(f"state file {path}: {exc}") from None
    return True


def write_state_file(state: MockState, path: Path) -> None:
    """Write the exported state to `path` atomically, readable by the owner only."""
    text = json.dumps(state.export_state(), ensure_ascii=False, separators=(",", ":"))
    directory = path.parent
    # mkstemp creates the file 0o600, so the secrets are never readable by others, not even briefly.
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    try:
        directory_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory_fd)  # the rename itself survives a crash
    except OSError:
        pass
    finally:
        os.close(directory_fd)


class StateSaver:
    """Saves `state` to `path` from a background thread whenever its change counter moved (checked every second),
    and once more on `stop()`."""

    def __init__(self, state: MockState, path: Path, interval_s: float = SAVE_INTERVAL_S) -> None:
        self.state = state
        self.path = path
        self.interval_s = interval_s
        self._saved = state.changes
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: OSError | None = None

    def save(self) -> None:
        with self._lock:
            changes = self.state.changes  # read before exporting: a change during the export is saved next time
            write_state_file(self.state, self.path)
            self._saved = changes

    def save_if_changed(self) -> None:
        if self.state.changes != self._saved:
            self.save()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.save_if_changed()
                self.error = None
            except OSError as exc:
                self.error = exc  # retried next second; stop() reports it if it persists

    def start(self) -> StateSaver:
        self._thread = threading.Thread(target=self._run, name="fapi-mock:state", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and save one last time (raises OSError if that fails)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.save()
