"""engine.imports: the heavy libraries imported once, in one thread, before tasks use them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from engine import imports

ROOT = Path(__file__).resolve().parents[2]

# What the window's start-up tasks import, each in its own thread, in a fresh interpreter;
# each task first calls ensure_warm(), as gui.worker does.
RACE = textwrap.dedent(
    """
    import sys, threading
    sys.path.insert(0, {root!r})
    from engine.imports import ensure_warm
    errors = []
    def task(body):
        def run():
            try:
                ensure_warm()
                exec(body, {{}})
            except Exception as exc:
                errors.append(repr(exc))
        return threading.Thread(target=run)
    bodies = [
        "import sklearn.metrics; import transformers.trainer",
        "from transformers import AutoConfig, AutoTokenizer",
        "from transformers import AutoModelForSequenceClassification",
        "import datasets",
        "import torch; torch.cuda.is_available()",
        "from huggingface_hub import scan_cache_dir",
        "import pandas",
        # a library reading a lazy name off the module, with no import statement
        "import sys; t = sys.modules.get('transformers'); t and t.PreTrainedTokenizerBase",
        # names no list holds: the other tasks' classes, resolved lazily under the lock
        "from transformers import AutoModelForTokenClassification, DataCollatorForTokenClassification",
        "from transformers import AutoImageProcessor, EfficientNetForImageClassification",
        "import sys; t = sys.modules.get('transformers'); t and t.EfficientNetConfig",
    ]
    threads = [task(b) for b in bodies]
    for t in threads: t.start()
    for t in threads: t.join()
    print(errors)
    sys.exit(1 if errors else 0)
    """
)


def test_start_up_tasks_in_eight_threads_at_once_all_succeed() -> None:
    # Without ensure_warm this failed 5 times in 5 ("cannot import name
    # 'AutoModelForSequenceClassification' from 'transformers'").
    script = RACE.format(root=str(ROOT))
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_warm_imports_the_packages_and_serialises_lazy_lookups() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from engine.imports import PACKAGES, ensure_warm
        assert "torch" not in sys.modules
        ensure_warm()
        missing = [m for m in PACKAGES if m not in sys.modules]
        from transformers.utils.import_utils import _LazyModule
        if not getattr(_LazyModule, "_strop_serialised", False):
            missing.append("the lazy-lookup lock")
        print(missing)
        sys.exit(1 if missing else 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_once_warm_it_returns_without_the_lock(monkeypatch) -> None:  # noqa: ANN001
    class NoLock:
        def __enter__(self) -> None:
            raise AssertionError("took the lock after the warm-up")

        def __exit__(self, *args: object) -> None:
            return None

    imports.ensure_warm()
    assert imports.warmed()
    monkeypatch.setattr(imports, "LOCK", NoLock())
    imports.ensure_warm()


def test_no_engine_module_imports_qt_or_the_gui() -> None:
    # engine/ is plain Python (the CLI, the packaged app's check and the tests run it without
    # a display); one Qt import anywhere in it would load PySide6 into every headless run.
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        sys.path.insert(0, {str(ROOT)!r})
        import engine
        names = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
        for name in names:
            importlib.import_module(name)
        banned = sorted(m for m in sys.modules
                        if m.split(".")[0] in ("PySide6", "pyqtgraph", "gui"))
        print(len(names), banned)
        sys.exit(1 if banned or not names else 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_warm_up_preloads_the_big_libraries_and_leaves_the_collector_as_it_was() -> None:
    # In a fresh interpreter: torch's big library is loaded before torch is imported (so the
    # import that follows does not map it while holding the interpreter lock), torch still
    # imports and computes, and the collector is enabled again with the imports frozen.
    script = textwrap.dedent(
        f"""
        import gc, sys
        sys.path.insert(0, {str(ROOT)!r})
        from engine.imports import ensure_warm, preload_libraries
        loaded = preload_libraries()
        assert "torch" not in sys.modules
        if sys.platform == "linux":
            assert any("libtorch_cpu" in p for p in loaded), loaded
        before = gc.get_freeze_count()
        ensure_warm()
        import torch
        assert float(torch.ones(3).sum()) == 3.0
        assert gc.isenabled()
        assert gc.get_freeze_count() > before + 100_000, gc.get_freeze_count()
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_a_frozen_app_loads_its_libraries_through_the_imports(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert imports.preload_libraries() == []


def test_a_hold_keeps_the_warm_up_waiting_until_released(monkeypatch) -> None:  # noqa: ANN001
    import threading
    import time

    monkeypatch.setattr(imports, "HOLD_LIMIT_S", 5.0)
    imports.release_all()
    imports.hold()
    imports.hold()  # holds nest: the window's and the warm-up's own
    waited: list[bool] = []
    waiter = threading.Thread(target=lambda: waited.append(imports.wait_while_held()))
    waiter.start()
    time.sleep(0.1)
    imports.release()
    time.sleep(0.1)
    assert waiter.is_alive()  # one hold is still on
    imports.release()
    waiter.join(2)
    assert waited == [True]
    imports.release()  # an extra release does nothing
    assert imports.wait_while_held()


def test_a_hold_never_released_lapses_after_its_limit(monkeypatch) -> None:  # noqa: ANN001
    import time

    monkeypatch.setattr(imports, "HOLD_LIMIT_S", 0.2)
    imports.hold()
    started = time.monotonic()
    assert not imports.wait_while_held()
    assert 0.15 < time.monotonic() - started < 2
    # lapsed: later callers do not wait again
    started = time.monotonic()
    assert imports.wait_while_held()
    assert time.monotonic() - started < 0.05
