"""Running engine calls off the GUI thread: one ``QObject`` worker moved to one ``QThread``.

The work is a plain engine function; a worker only adapts it (superqt's
``new_worker_qthread``): the worker has no parent, is moved to a fresh ``QThread``,
``started -> run``, ``finished -> quit``, and both are deleted later. What the function
reports crosses back as Qt signals carrying plain data (the engine's frozen event
dataclasses, return values, exceptions); a worker never opens a dialog.

Nothing of Python's is ever destroyed by Qt's event loop in a worker thread (no
``deleteLater`` on the worker): that thread would hold Qt's connection lock and then wait
for the GIL inside ``~QObject``, while the GUI thread holds the GIL and waits for the same
lock in ``connect`` - a deadlock that hung CI. Nor does a worker move itself back to the
GUI thread (``_Worker``). Once the worker's thread has ended, the GUI thread drops the last
Python references to the worker and its thread, GIL held, and both are deleted there.

``TrainingWorker`` runs ``engine.training.train``; its stop switch is a ``threading.Event``
set directly from the GUI thread (a worker blocked in ``train()`` has no event loop to
receive a queued signal). ``TaskWorker`` runs any short function (loading a file, computing
the report, loading a model, predicting a file).

Every thread started here is tracked, so the window can wait for them on exit and tests
can fail when one is left running.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    SignalInstance,
    Slot,
)

from engine import imports
from engine.imports import ensure_warm

log = logging.getLogger(__name__)

_collect = gc.collect


def _collect_in_the_gui_thread(generation: int = 2) -> int:
    """``gc.collect`` for a process that runs a window: a full collection only in the GUI
    (main) thread; asked for from another thread, it does nothing.

    Libraries call ``gc.collect()`` from the thread they run in: accelerate's
    ``free_memory()`` at the end of ``Trainer.train()``, transformers' memory helpers. From a
    training thread that collection can delete Qt objects that sit in reference cycles
    (a closed panel's plot items), and ``~QObject`` there waits for the interpreter lock
    while the GUI thread waits for a Qt lock it holds: the window froze for good (seen in
    the test suite after a test failed and left its widgets in a traceback's cycle). The
    GUI thread collects after every run and task (``release_memory``), so nothing is kept.
    """
    if threading.current_thread() is threading.main_thread():
        return _collect(generation)
    return 0


gc.collect = _collect_in_the_gui_thread  # importing gui.worker: the window's process

_threads: set[QThread] = set()
_workers: dict[QThread, QObject] = {}

#: Libraries whose import leaves hundreds of thousands of long-lived objects behind.
_HEAVY = ("torch", "transformers", "transformers.trainer", "datasets")
_frozen_for: set[str] = set()


def freeze_imported_heap() -> bool:
    """After a heavy import, move every object alive now out of the cyclic GC's reach.

    torch and transformers leave ~500,000 objects; a full collection then takes half a
    second *with the GIL held*, from whichever thread triggers it, and the window freezes
    for that long. ``gc.freeze()`` (cheap) puts them in the permanent generation, so later
    collections only walk what the run creates. Done once per newly imported library, right
    after its import (module-level objects are never garbage), so nothing keeps piling up.
    """
    loaded = {name for name in _HEAVY if name in sys.modules}
    if not loaded - _frozen_for:
        return False
    gc.freeze()
    _frozen_for.update(loaded)
    return True


class _Worker(QObject):
    """What both workers share: ``finished()``, emitted once the work is done.

    The worker stays with its thread to the end: the GUI thread deletes it once that thread
    has ended (``_Reaper``). It never moves itself back: PySide keeps the GIL through
    ``moveToThread``, which takes Qt's connection and event-queue locks, and a thread that
    holds one of those locks while it waits for the GIL (the GUI thread's event loop deleting
    a connected object, a thread ending) then hangs the process for good. CI hung there once;
    3,000 short tasks while the event loop deletes connected objects hung 13 runs of 40 with
    the move, none of 40 without (``tests/gui/test_worker.py`` runs 9,000 in a child process).

    ``finished`` belongs to a companion object that stays in the thread that made the worker,
    so a plain function connected to it still runs there, not in the worker's thread (Qt
    calls a function connected without a receiver in the sender's thread)."""

    def __init__(self) -> None:
        super().__init__()
        self._done = _Done()  # no parent: a child would move to the worker's thread with it

    @property
    def finished(self) -> SignalInstance:
        """Emitted once the work is done, after ``returned`` or ``errored``."""
        return self._done.finished

    def _finish(self) -> None:
        self._done.finished.emit()


class _Done(QObject):
    """A worker's ``finished``, living in the thread that made the worker (``_Worker``)."""

    finished = Signal()


def warm_up(progress: Callable[[int, int], None] | None = None) -> None:
    """The window's heavy imports: pyqtgraph first (through ``gui.plots``, 0.3-0.4 s), then
    the engine's (``engine.imports.ensure_warm``: torch and the rest, seconds). ``progress``
    hears ``(1, 2)`` once the plots can be built, ``(2, 2)`` at the end.

    In that order because loading torch's library holds the dynamic loader's lock for up to
    0.9 s: an extension module that another thread imports meanwhile (numpy's, under
    pyqtgraph) waits for that lock while holding the interpreter lock, and the window's
    thread stalls with it. Imported first, pyqtgraph is ready when the load begins, and the
    window builds its plots before the load (``engine.imports.hold``).

    Both steps wait while the window holds the warm-up (its start-up work first). With
    ``progress``, the engine's imports are held again before ``(1, 2)`` is told: the listener
    builds its plots, then calls ``engine.imports.release`` (or ``HOLD_LIMIT_S`` runs out)."""
    if not imports.warmed():
        imports.wait_while_held()
    try:
        import gui.plots  # noqa: F401
    except ImportError:  # a broken install: the plots' own import says what is missing
        log.warning("pyqtgraph could not be imported", exc_info=True)
    if progress is not None:
        imports.hold()  # the listener releases it (when warm already, it holds nothing up)
        progress(1, 2)
    ensure_warm()
    if progress is not None:
        progress(2, 2)


class TaskWorker(_Worker):
    """Calls ``fn(*args, **kwargs)`` once in its thread.

    Signals: ``returned(value)``, ``errored(exception)``, ``progress(done, total)`` (when
    ``fn`` is given a ``progress`` callback, see ``with_progress``), then ``finished()``.
    """

    returned = Signal(object)
    errored = Signal(object)
    progress = Signal(int, int)

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        with_progress: bool = False,
        light: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self._light = light
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        if with_progress:
            self._kwargs["progress"] = self._report_progress

    def _report_progress(self, done: int, total: int) -> None:
        self.progress.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            if not self._light:
                # Several tasks start at once: the first imports of torch, transformers and
                # datasets happen in one of them, the others wait (engine/imports.py).
                warm_up()
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - errors cross the thread as data
            log.debug("task %s failed", getattr(self._fn, "__name__", self._fn), exc_info=True)
            self.errored.emit(exc)
        else:
            self.returned.emit(value)
        finally:
            # Let go of the call's arguments: ``_kwargs`` holds a bound method of this worker
            # (a cycle only the cyclic GC would break, in any thread).
            self._fn, self._args, self._kwargs = None, (), {}
            freeze_imported_heap()
            self._finish()


class TrainingWorker(_Worker):
    """Runs one ``engine.training.train`` call, re-emitting each engine event as ``event``.

    ``stop`` is the graceful-stop token: set it from any thread. Exactly one of
    ``returned(RunResult)`` or ``errored(exception)`` is emitted, then ``finished()``.
    A run that fails also emits its ``RunFailed`` event first (the window keeps its
    ``run_dir`` for Resume); the error itself is shown from ``errored``, in one place.
    """

    event = Signal(object)
    returned = Signal(object)
    errored = Signal(object)

    def __init__(self, config: Any, *, resume: bool = False) -> None:
        super().__init__()
        self.config = config
        self.resume = resume
        self.stop = threading.Event()

    def _emit(self, event: Any) -> None:
        self.event.emit(event)

    @Slot()
    def run(self) -> None:
        try:
            # Import what training needs *before* anything of the run exists, then freeze:
            # frozen objects are never collected in cycles, so freezing after the model is
            # built would keep that model (~170 MB for the starter) for the whole session.
            warm_up()  # pyqtgraph, torch, transformers (with its Trainer) and datasets, once

            from engine.training import train

            freeze_imported_heap()

            result = train(self.config, self._emit, self.stop, resume=self.resume)
        except BaseException as exc:  # noqa: BLE001 - errors cross the thread as data
            log.debug("training failed", exc_info=True)
            self.errored.emit(exc)
        else:
            self.returned.emit(result)
        finally:
            self._finish()  # the GUI thread then collects what the run left (release_memory)


def release_memory() -> None:
    """After a run: collect what it left in cycles and give the freed heap back to the OS.

    glibc keeps memory a thread freed in that thread's arena; without ``malloc_trim`` the
    window's resident memory grew ~250 MB over five starter-model runs and stayed there,
    though nothing was referenced any more (``bench/soak.py``)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


class _Reaper(QObject):
    """Lives in the GUI thread; when a worker thread has finished, waits for it to end and
    drops the last references to it and its worker, so both are deleted here, GIL held."""

    @Slot()
    def reap(self) -> None:
        thread = self.sender()
        worker = _workers.pop(thread, None)
        if not isinstance(thread, QThread):
            return
        thread.wait()
        _threads.discard(thread)
        trained = isinstance(worker, TrainingWorker)
        del worker
        if trained:
            # Here, not in the worker's thread: a collection there could delete Qt objects
            # of the GUI's that sit in reference cycles, off the GUI thread.
            release_memory()


_reaper: _Reaper | None = None


def start_worker(worker: _Worker) -> QThread:
    """Move ``worker`` (a ``TaskWorker`` or ``TrainingWorker``) to a new thread and start it.
    The thread and the worker are released in the calling thread once the work is done."""
    global _reaper
    if worker.parent() is not None:
        raise ValueError("a worker must have no parent to be moved to its thread")
    home = QThread.currentThread()
    if _reaper is None or _reaper.thread() is not home:
        app = QCoreApplication.instance()
        if app is not None and home is not app.thread():
            raise RuntimeError("start workers from the GUI thread")
        _reaper = _Reaper()
    thread = QThread()
    thread.setObjectName(f"strop-{type(worker).__name__}")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # Direct: QThread.quit is thread-safe, and the thread must end even while the GUI
    # thread is blocked waiting for it (a queued quit would never be delivered then).
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(_reaper.reap, Qt.ConnectionType.QueuedConnection)
    # Python keeps both alive until the thread has finished; then the reaper releases them.
    _threads.add(thread)
    _workers[thread] = worker
    thread.start()
    return thread


class _Relay(QObject):
    """Lives in the calling (GUI) thread, so the callbacks run there: Qt queues each call."""

    def __init__(
        self,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int], None] | None,
        on_finished: Callable[[], None] | None,
        owner: QObject | None,
    ) -> None:
        super().__init__(owner)
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_finished = on_finished

    @Slot(object)
    def result(self, value: Any) -> None:
        if self._on_result is not None:
            self._on_result(value)

    @Slot(object)
    def error(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("unhandled error in a background task: %s", exc)

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)

    @Slot()
    def finished(self) -> None:
        try:
            if self._on_finished is not None:
                self._on_finished()
        finally:
            # Let go of it once this slot has returned: from then on Python owns it (not the
            # owner widget, which would collect one per task), and it is deleted here, in
            # the GUI thread, when the timer drops the last reference.
            self.setParent(None)
            QTimer.singleShot(0, partial(_relays.pop, id(self), None))


#: Relays waiting for their task, by id: a relay must not be kept alive by its own
#: ``destroyed`` connection (a cycle through C++ that nothing would ever collect).
_relays: dict[int, _Relay] = {}


def _forget_relay(key: int, *_: Any) -> None:
    _relays.pop(key, None)


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    owner: QObject | None = None,
    light: bool = False,
    **kwargs: Any,
) -> TaskWorker:
    """Run ``fn(*args, **kwargs)`` in a new thread; the callbacks run in the calling thread.

    With ``on_progress``, ``fn`` also receives a ``progress(done, total)`` keyword argument.
    To cancel, hand ``fn`` a ``threading.Event`` of your own (``stop=...``) and set it.
    With ``owner`` (the widget whose methods the callbacks are), a result that arrives after
    the owner was deleted is dropped instead of reaching a deleted widget.
    With ``light``, ``fn`` runs at once; otherwise it waits until the heavy libraries are
    imported (``warm_up``): only for work that never imports them.
    """
    worker = TaskWorker(fn, *args, with_progress=on_progress is not None, light=light, **kwargs)
    relay = _Relay(on_result, on_error, on_progress, on_finished, owner)
    _relays[id(relay)] = relay
    # deleted with its owner before the task ended: forget it
    relay.destroyed.connect(partial(_forget_relay, id(relay)))
    worker.returned.connect(relay.result)
    worker.errored.connect(relay.error)
    worker.progress.connect(relay.progress)
    worker.finished.connect(relay.finished)
    start_worker(worker)
    return worker


def running_threads() -> list[QThread]:
    """Threads started here that have not finished yet."""
    alive = []
    for thread in list(_threads):
        try:
            if thread.isRunning():
                alive.append(thread)
        except RuntimeError:  # already deleted on the C++ side
            _threads.discard(thread)
    return alive


def wait_for_threads(timeout_ms: int = 30_000) -> bool:
    """Wait (bounded) for every thread started here; True when none is left running."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    for thread in running_threads():
        left = max(0, int((deadline - time.monotonic()) * 1000))
        try:
            thread.wait(left)
        except RuntimeError:
            continue
    return not running_threads()
