"""gui.worker: one QObject per QThread, results and errors crossing as data, a bounded wait."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Slot

from engine.config import TrainConfig
from engine.errors import DatasetError
from engine.events import RunFinished, RunStarted, StepLogged
from gui.worker import (
    TrainingWorker,
    run_task,
    running_threads,
    start_worker,
    wait_for_threads,
    warm_up,
)


def test_a_task_runs_off_the_gui_thread_and_answers_on_it(qtbot: Any) -> None:
    main = threading.get_ident()
    seen: dict[str, int] = {}

    def answered(value: int) -> None:
        seen["worker"] = value
        seen["callback"] = threading.get_ident()

    # (a task's worker deletes itself when done: watch the callbacks, not the worker; the
    # first task of a process imports torch and the rest first: seconds on a busy machine)
    run_task(threading.get_ident, on_result=answered)
    qtbot.waitUntil(lambda: "callback" in seen, timeout=60_000)
    assert seen["worker"] != main
    assert seen["callback"] == main
    qtbot.waitUntil(lambda: not running_threads(), timeout=5_000)


def test_errors_cross_as_data_and_progress_is_reported(qtbot: Any) -> None:
    errors: list[BaseException] = []
    progress: list[tuple[int, int]] = []

    def work(progress: Any) -> None:
        progress(1, 2)
        progress(2, 2)
        raise DatasetError("data.csv: row 3 has no label.")

    run_task(work, on_error=errors.append, on_progress=lambda d, t: progress.append((d, t)))
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], DatasetError)
    assert str(errors[0]) == "data.csv: row 3 has no label."
    assert progress == [(1, 2), (2, 2)]
    qtbot.waitUntil(lambda: not running_threads(), timeout=5_000)


def test_a_result_for_a_deleted_owner_is_dropped(qtbot: Any) -> None:
    owner = QObject()
    release = threading.Event()
    got: list[Any] = []
    finished: list[bool] = []
    run_task(release.wait, 10, on_result=got.append, owner=owner)
    run_task(release.wait, 10, on_finished=lambda: finished.append(True))  # no owner
    owner.deleteLater()
    qtbot.waitUntil(lambda: not owner_alive(owner), timeout=5_000)
    release.set()
    qtbot.waitUntil(lambda: bool(finished) and not running_threads(), timeout=10_000)
    qtbot.wait(50)  # let any queued call arrive (none may)
    assert got == []


def owner_alive(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True


def test_waiting_while_the_gui_thread_is_blocked_does_not_deadlock(qtbot: Any) -> None:
    """The thread must quit even though the GUI thread, blocked in wait(), runs no loop."""
    release = threading.Event()
    run_task(release.wait, 10)
    assert running_threads()
    release.set()
    assert wait_for_threads(10_000)  # no event processing in between
    assert not running_threads()


def test_a_worker_with_a_parent_is_refused() -> None:
    parent = QObject()
    worker = TrainingWorker(TrainConfig(data="x.csv"))
    worker.setParent(parent)
    with pytest.raises(ValueError):
        start_worker(worker)
    assert worker.thread() is parent.thread()


def test_training_worker_emits_engine_events_and_returns(
    qtbot: Any, tiny_model: Path, sentiment_csv: Path
) -> None:
    config = TrainConfig(data=str(sentiment_csv), model=str(tiny_model), max_steps=3, batch_size=8)
    worker = TrainingWorker(config)
    events: list[Any] = []
    results: list[Any] = []
    worker.event.connect(events.append)
    worker.returned.connect(results.append)
    with qtbot.waitSignal(worker.finished, timeout=120_000) as blocker:
        blocker.connect(worker.errored)
        start_worker(worker)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    kinds = [type(e) for e in events]
    assert RunStarted in kinds and StepLogged in kinds and kinds[-1] is RunFinished
    assert all(isinstance(e.loss, float) for e in events if isinstance(e, StepLogged))
    assert results[0].state.value == "finished"
    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)


def test_no_model_outlives_its_run(
    qtbot: Any, tiny_model: Path, sentiment_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a run (and the heap freeze that follows the heavy imports), no torch module is
    left alive: five runs in one window must not pile models up (bench/soak.py)."""
    import gc

    import torch

    import gui.worker as worker_module

    # As in a fresh window: the trainer module is the one heavy import still to freeze for.
    monkeypatch.setattr(
        worker_module, "_frozen_for", set(worker_module._HEAVY) - {"transformers.trainer"}
    )
    config = TrainConfig(data=str(sentiment_csv), model=str(tiny_model), max_steps=2, batch_size=8)
    worker = TrainingWorker(config)
    with qtbot.waitSignal(worker.finished, timeout=120_000) as blocker:
        blocker.connect(worker.errored)
        start_worker(worker)
    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)
    del worker
    try:
        gc.collect()
        leftovers = [o for o in gc.get_objects() if isinstance(o, torch.nn.Module)]
        assert not leftovers, f"{len(leftovers)} modules outlived the run"
    finally:
        gc.unfreeze()


def test_bad_input_errors_before_any_run_folder(
    qtbot: Any, tmp_path: Path, strop_home: Path
) -> None:
    worker = TrainingWorker(TrainConfig(data=str(tmp_path / "missing.csv")))
    errors: list[BaseException] = []
    worker.errored.connect(errors.append)
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        start_worker(worker)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], DatasetError)
    assert "missing.csv" in str(errors[0])
    runs = strop_home / "runs"
    assert not runs.exists() or not any(runs.iterdir())
    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)


def test_heavy_imports_are_frozen_out_of_the_cyclic_gc_once(monkeypatch: Any) -> None:
    """A full collection over torch's objects holds the GIL for ~0.5 s: freeze them once."""
    import gc

    import torch  # noqa: F401

    from gui import worker as worker_module

    monkeypatch.setattr(worker_module, "_frozen_for", set())
    assert worker_module.freeze_imported_heap()
    assert gc.get_freeze_count() > 100_000
    assert "torch" in worker_module._frozen_for
    assert not worker_module.freeze_imported_heap()  # nothing newly imported: no freeze


def test_workers_end_while_the_gui_thread_connects_signals(qtbot: Any) -> None:
    """A worker deleted by its own thread's event loop (``deleteLater``) took Qt's
    connection lock and then waited for the GIL, while the GUI thread held the GIL and waited
    for that lock in ``connect``: CI hung setting up a window. Many short tasks ending while
    the GUI thread makes thousands of connections must all come back."""
    done: list[int] = []
    n = 200
    objects = []
    for i in range(n):
        run_task(lambda i=i: i, on_result=done.append)
        for _ in range(100):  # Qt locks both objects' connection lists while connecting
            sender, receiver = QObject(), QObject()
            sender.objectNameChanged.connect(receiver.objectNameChanged)
            objects += (sender, receiver)
        if i % 20 == 0:
            qtbot.wait(1)
    qtbot.waitUntil(lambda: len(done) == n, timeout=60_000)
    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)
    assert sorted(done) == list(range(n))


def test_emitting_a_signal_keeps_pythons_reference_counts(qapp: Any) -> None:
    """PySide6 6.12.0 dropped a reference to ``True`` on every ``emit``: after a few thousand
    signals the process died with "Fatal Python error: bool_dealloc". pyproject excludes it;
    this fails at once on any release that does it again."""
    import sys

    from PySide6.QtCore import Signal

    class Emitter(QObject):
        value = Signal(object)
        bare = Signal()

    emitter = Emitter()
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for _ in range(200):
        emitter.value.emit(1)
        emitter.bare.emit()
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]


def test_a_full_collection_asked_for_by_another_thread_waits_for_the_gui_thread() -> None:
    # accelerate calls gc.collect() at the end of Trainer.train(), in the training thread;
    # collecting Qt objects there deadlocked the window (gui/worker.py).
    import gc
    import threading

    import gui.worker  # noqa: F401 - installs the GUI-thread-only collection

    class Cycle:
        pass

    def make_garbage() -> None:
        a, b = Cycle(), Cycle()
        a.other, b.other = b, a

    found: list[int] = []
    make_garbage()
    worker = threading.Thread(target=lambda: found.append(gc.collect()))
    worker.start()
    worker.join()
    assert found == [0]  # nothing collected off the GUI thread
    assert gc.collect() >= 2  # the GUI (main) thread still collects


def test_the_warm_up_has_pyqtgraph_in_before_torch(monkeypatch: Any) -> None:
    """The window builds its plots at ``(1, 2)``, while torch's library loads."""
    import sys

    import engine.imports
    import gui.worker

    heard: list[tuple[int, int, bool]] = []

    def warm() -> None:
        heard.append((0, 0, "gui.plots" in sys.modules))

    monkeypatch.setattr(gui.worker, "ensure_warm", warm)
    warm_up(progress=lambda done, total: heard.append((done, total, "gui.plots" in sys.modules)))
    assert heard == [(1, 2, True), (0, 0, True), (2, 2, True)]
    assert engine.imports.ensure_warm is not warm  # only the worker's name was replaced


def test_a_finished_worker_is_deleted_in_the_gui_thread(qtbot: Any) -> None:
    """The worker stays with its thread to the end; once that thread has ended, the GUI
    thread deletes it (nothing of Python's is destroyed by a worker thread)."""
    from gui.worker import TaskWorker

    deleted_in: list[int] = []

    class Probe(QObject):  # lives in the GUI thread: told directly when deleted there
        @Slot()
        def deleted(self) -> None:
            deleted_in.append(threading.get_ident())

    probe = Probe()
    worker = TaskWorker(threading.get_ident, light=True)
    worker.destroyed.connect(probe.deleted)
    start_worker(worker)
    del worker
    qtbot.waitUntil(lambda: bool(deleted_in), timeout=10_000)
    assert deleted_in == [threading.get_ident()]
    assert not running_threads()


def test_finished_reaches_a_plain_function_in_the_gui_thread(qtbot: Any) -> None:
    """``finished`` is told in the thread that made the worker, even to a function connected
    without a receiver (which Qt calls in the sender's thread)."""
    from gui.worker import TaskWorker

    told_in: list[int] = []
    worker = TaskWorker(threading.get_ident, light=True)
    worker.finished.connect(lambda: told_in.append(threading.get_ident()))
    start_worker(worker)
    del worker
    qtbot.waitUntil(lambda: bool(told_in), timeout=10_000)
    assert told_in == [threading.get_ident()]
    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)


_TASKS_WHILE_DELETING = """
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.worker import run_task, running_threads
done = []
senders = [QObject() for _ in range(20)]
n = 9000
for i in range(0, n, 2):
    for j in (i, i + 1):
        run_task(lambda j=j: j, on_result=done.append, light=True)
    for sender in senders:
        receiver = QObject()
        sender.objectNameChanged.connect(receiver.setObjectName)
        receiver.deleteLater()  # deleted by the event loop, in C++
    app.processEvents()
while len(done) < n or running_threads():
    app.processEvents()
print("all", len(done), sorted(done) == list(range(n)))
"""


def test_workers_end_while_the_gui_event_loop_deletes_connected_objects(tmp_path: Path) -> None:
    """A worker that moved itself back to the GUI thread held the GIL inside
    ``moveToThread`` while it waited for Qt's locks, and the process hung for good (CI, once;
    this script with that worker: 13 hangs in 40 runs of 3,000 tasks, none in 40 without the
    move). In a child process, so that a hang fails this test instead of stalling the suite:
    a hang that holds the GIL defeats pytest's timeout."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STROP_HOME": str(tmp_path)}
    try:
        child = subprocess.run(
            [sys.executable, "-c", _TASKS_WHILE_DELETING],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the workers hung: 9,000 short tasks did not all come back in 2 minutes")
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.split() == ["all", "9000", "True"]
