"""GUI test fixtures: a window with dialogs patched, and a check that no test leaves a
``QThread`` running (napari's ``_dangling_qthreads``)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from gui.worker import running_threads, wait_for_threads

THREAD_WAIT_MS = 90_000


@pytest.fixture(autouse=True)
def no_leaked_qthreads(qapp: Any) -> Any:
    """Fail a test that leaves a worker thread running after its window is closed."""
    yield
    alive = running_threads()
    if alive:
        names = [t.objectName() for t in alive]
        finished = wait_for_threads(THREAD_WAIT_MS)  # don't let it crash the next test
        pytest.fail(
            f"{len(alive)} QThread(s) left running by this test: {names}"
            + ("" if finished else " (still running after waiting)")
        )


class DialogRecorder:
    """Stands in for ``gui.dialogs``: answers set per test, calls recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.answer = True
        self.open_file_result = ""
        self.save_file_result = ""
        self.open_folder_result = ""

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def fake_dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    from gui import dialogs

    rec = DialogRecorder()

    def record(name: str, result: Any) -> Any:
        def fn(*args: Any, **kwargs: Any) -> Any:
            rec.calls.append((name, args))
            return result() if callable(result) else result

        return fn

    monkeypatch.setattr(dialogs, "open_file", record("open_file", lambda: rec.open_file_result))
    monkeypatch.setattr(dialogs, "save_file", record("save_file", lambda: rec.save_file_result))
    monkeypatch.setattr(
        dialogs, "open_folder", record("open_folder", lambda: rec.open_folder_result)
    )
    monkeypatch.setattr(dialogs, "ask", record("ask", lambda: rec.answer))
    monkeypatch.setattr(dialogs, "show_text", record("show_text", None))
    monkeypatch.setattr(dialogs, "about", record("about", None))
    monkeypatch.setattr(dialogs, "reveal", record("reveal", None))
    return rec


def close_window(qtbot: Any, window: Any) -> None:
    """Stop any run, close the window and wait (bounded) for its background tasks."""
    if window.training_tab.is_running:
        window.training_tab.request_stop()
        qtbot.waitUntil(lambda: not window.training_tab.is_running, timeout=THREAD_WAIT_MS)
    window.close()
    qtbot.waitUntil(lambda: not running_threads(), timeout=THREAD_WAIT_MS)


@pytest.fixture
def make_window(qtbot: Any, fake_dialogs: DialogRecorder, tiny_model: Path) -> Any:
    """``make_window(model=..., dataset=...)``: a shown, started window (tiny model by default)."""
    from gui.main_window import MainWindow

    windows: list[Any] = []

    def make(*, model: str | None = None, dataset: str | None = None, start: bool = True) -> Any:
        window = MainWindow()
        # not qtbot.addWidget: pytest-qt would delete the window before this fixture's
        # teardown could stop a run that a failing test left going
        window.show()
        if start:
            window.start(model=model or str(tiny_model), dataset=dataset)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible() or window.training_tab.is_running:
            close_window(qtbot, window)
    qtbot.waitUntil(lambda: not running_threads(), timeout=THREAD_WAIT_MS)
    for window in windows:
        window.deleteLater()
    qtbot.wait(1)  # deliver the deferred deletes
    # A closed window's widgets sit in reference cycles (pyqtgraph's items): collect them
    # here, in the GUI thread, not whenever a collection happens to run in a later test's
    # worker thread (deleting Qt widgets off the GUI thread can crash).
    windows.clear()
    gc.collect()


@pytest.fixture(autouse=True)
def no_background_estimate(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Training tab measures a run's duration in the background whenever data and model
    are ready (loading the model, timing steps): in a test about something else that work
    would outlive the test's window and compete for the two cores. Tests of the estimate
    use their own fake, or ask for the real one by name."""
    if "real_estimator" in request.node.name:
        return
    from gui import run_estimate

    monkeypatch.setattr(run_estimate, "estimate_run", lambda config, stop: None)


@pytest.fixture(autouse=True)
def no_background_onnx(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Prediction tab makes a text model's ONNX file in the background once it has
    loaded it (fp32 on a CPU): seconds of export that would outlive most tests' windows.
    Tests of it ask for the real one by name."""
    if "real_onnx" in request.node.name:
        return
    from engine.predict import Predictor

    monkeypatch.setattr(Predictor, "wants_onnx", lambda self: False)


@pytest.fixture
def chinese(qapp: Any) -> Any:
    """The zh_CN translators and fonts installed for one test, English again afterwards."""
    from PySide6.QtGui import QFont

    from gui import i18n

    font = QFont(qapp.font())
    installed = i18n.install_translators(qapp, "zh_CN")
    assert installed, "strop_zh_CN.qm did not load"
    i18n.apply_fonts(qapp, "zh_CN")
    yield qapp
    i18n.remove_translators(qapp)
    qapp.setFont(font)


@pytest.fixture
def window(make_window: Any) -> Any:
    return make_window()


def wait_report(qtbot: Any, window: Any, timeout: int = 60_000) -> dict[str, Any]:
    """Wait for the dataset report; fail at once with the banner's words on an error."""
    qtbot.waitUntil(
        lambda: window.dataset_tab.report is not None or window.banner.isVisible(),
        timeout=timeout,
    )
    assert window.dataset_tab.report is not None, window.banner.message
    return window.dataset_tab.report


def wait_loaded(qtbot: Any, window: Any, timeout: int = 60_000) -> None:
    tab = window.dataset_tab
    qtbot.waitUntil(lambda: not tab.loading, timeout=timeout)
