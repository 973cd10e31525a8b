"""engine.imports: first imports of the heavy libraries from several threads at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from engine import imports

ROOT = Path(__file__).resolve().parents[2]

# What the window's start-up tasks import, each in its own thread, in a fresh interpreter.
RACE = textwrap.dedent(
    """
    import sys, threading
    sys.path.insert(0, {root!r})
    if {guard}:
        from engine.imports import serialize_heavy_imports
        serialize_heavy_imports()
    errors = []
    def task(body):
        def run():
            try:
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
        # a library reading a lazy name off the module, with no import statement
        "import sys, time; time.sleep(0.05); t = sys.modules.get('transformers'); "
        "t and t.PreTrainedTokenizerBase",
    ]
    threads = [task(b) for b in bodies]
    for t in threads: t.start()
    for t in threads: t.join()
    print(errors)
    sys.exit(1 if errors else 0)
    """
)


def test_start_up_imports_from_six_threads_at_once_all_succeed() -> None:
    # Without the guard this failed 5 times in 5 ("cannot import name
    # 'AutoModelForSequenceClassification' from 'transformers'").
    script = RACE.format(root=str(ROOT), guard=True)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_an_import_with_nothing_left_to_do_takes_no_lock(monkeypatch) -> None:  # noqa: ANN001
    import torch  # noqa: F401 - imported: nothing left to do
    from transformers import AutoTokenizer  # noqa: F401

    class NoLock:
        def __enter__(self) -> None:
            raise AssertionError("took the import lock for a finished import")

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(imports, "_lock", NoLock())
    imports.serialize_heavy_imports()
    try:
        import json  # noqa: F401 - not a heavy library at all

        import torch  # noqa: F401, F811
        from transformers import AutoTokenizer  # noqa: F401, F811
    finally:
        monkeypatch.setattr(imports.builtins, "__import__", imports._original_import)


def test_what_counts_as_ready(monkeypatch) -> None:  # noqa: ANN001
    import transformers
    from transformers import AutoTokenizer  # noqa: F401 - resolved: now in the module

    assert not imports._ready("no_such_module_xyz", ())
    assert imports._ready("transformers", ())
    monkeypatch.setattr(imports, "_warmed", True)
    assert imports._ready("transformers", ("AutoTokenizer",))  # came in with the warm-up
    # a lazy name transformers keeps out of its dict, not among what the warm-up brings in
    lazy = "AutoModelForTokenClassification"
    if lazy not in vars(transformers):
        assert not imports._ready("transformers", (lazy,))


def test_the_first_heavy_import_brings_in_everything_strop_uses() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from engine.imports import WARM, serialize_heavy_imports
        serialize_heavy_imports()
        import torch  # the first heavy import: everything else comes with it
        imported = set(sys.modules)
        missing = [m for m, _ in WARM if m not in imported]
        # each name's own module is in already: resolving it later imports nothing
        missing += [f"{{m}}.{{n}}" for m, names in WARM for n in names
                    if getattr(sys.modules[m], n).__module__ not in imported]
        print(missing)
        sys.exit(1 if missing else 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
