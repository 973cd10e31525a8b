"""engine.models.download_model and list_cached_models, with snapshot_download replaced by
a fake (there is no network here): the plan, progress, the offline flag, the error paths.

(Kept apart from test_models.py, which other work is changing at the same time.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import huggingface_hub
import pytest
from huggingface_hub import constants
from huggingface_hub.errors import OfflineModeIsEnabled
from huggingface_hub.file_download import DryRunFileInfo

from engine.errors import ModelLoadError
from engine.models import download_model, list_cached_models, resolve_model

REPO_FILES = {
    "config.json": 500,
    "model.safetensors": 90_000_000,
    "pytorch_model.bin": 90_000_000,
    "tokenizer.json": 700_000,
    "vocab.txt": 230_000,
}


class FakeHub:
    """Records the calls; the real download is simulated by a byte-level progress bar."""

    def __init__(self, tmp: Path, files: dict[str, int], cached: set[str] = frozenset()) -> None:
        self.tmp, self.files, self.cached = tmp, files, cached
        self.calls: list[dict[str, Any]] = []
        self.offline_during: list[bool] = []

    def __call__(self, repo_id: str, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        self.offline_during.append(constants.HF_HUB_OFFLINE)
        if constants.HF_HUB_OFFLINE:
            raise OfflineModeIsEnabled("offline mode is enabled")
        allowed = kwargs["allow_patterns"]
        names = [n for n in self.files if any(Path(n).match(p) for p in allowed)]
        if kwargs.get("dry_run"):
            return [
                DryRunFileInfo(
                    commit_hash="abc",
                    file_size=self.files[n],
                    filename=n,
                    local_path=str(self.tmp / n),
                    is_cached=n in self.cached,
                    will_download=n not in self.cached,
                )  # fmt: skip
                for n in names
            ]
        folder = self.tmp / "snapshots" / "abc"
        folder.mkdir(parents=True, exist_ok=True)
        bar_class = kwargs.get("tqdm_class")
        if bar_class is not None:
            files_bar = bar_class(total=len(names), desc="Fetching")  # counted in files
            bytes_bar = bar_class(total=0, unit="B", unit_scale=True, desc="Reconstructing")
            for n in names:
                if n not in self.cached:
                    bytes_bar.update(self.files[n] // 2)
                    bytes_bar.update(self.files[n] - self.files[n] // 2)
                files_bar.update(1)
                (folder / n).write_text("x")
        return str(folder)


@pytest.fixture
def offline_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)


def test_downloads_safetensors_not_pickle_with_byte_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_flag: None
) -> None:
    hub = FakeHub(tmp_path, REPO_FILES, cached={"vocab.txt"})
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub)
    seen: list[tuple[int, int]] = []
    folder = download_model("org/model", progress=lambda d, t: seen.append((d, t)))
    assert folder == tmp_path / "snapshots" / "abc"
    dry, real = hub.calls
    assert dry["dry_run"] is True and dry["ignore_patterns"] == ["*/*"]
    assert sorted(real["allow_patterns"]) == [
        "config.json", "model.safetensors", "tokenizer.json", "vocab.txt"
    ]  # fmt: skip
    total = 500 + 90_000_000 + 700_000  # vocab.txt is already cached
    assert {t for _, t in seen} == {total}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == total and len(done) > 3
    # online only inside the two calls; the process flag is back to offline afterwards
    assert hub.offline_during == [False, False] and constants.HF_HUB_OFFLINE is True


def test_pickle_only_repo_needs_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_flag: None
) -> None:
    files = {k: v for k, v in REPO_FILES.items() if k != "model.safetensors"}
    hub = FakeHub(tmp_path, files)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub)
    with pytest.raises(ModelLoadError, match="only pickled weights.*--allow-pickle"):
        download_model("org/old-model")
    assert len(hub.calls) == 1  # nothing fetched
    download_model("org/old-model", allow_pickle=True)
    assert "pytorch_model.bin" in hub.calls[-1]["allow_patterns"]


def test_no_weights_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub, "snapshot_download", FakeHub(tmp_path, {"config.json": 1}))
    with pytest.raises(ModelLoadError, match="no weights Strop loads"):
        download_model("org/empty")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OfflineModeIsEnabled("no network"), "cannot be reached"),
        (ConnectionError("Name or service not known"), "cannot be reached"),
        (RuntimeError("500 Server Error"), "Could not download"),
    ],
)
def test_errors_become_one_line(
    monkeypatch: pytest.MonkeyPatch, offline_flag: None, error: Exception, message: str
) -> None:
    def failing(repo_id: str, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    with pytest.raises(ModelLoadError, match=message):
        download_model("org/model")
    assert constants.HF_HUB_OFFLINE is True  # restored on the error path too


def test_repo_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from unittest.mock import Mock

    from huggingface_hub.errors import RepositoryNotFoundError

    def failing(repo_id: str, **kwargs: Any) -> Any:
        raise RepositoryNotFoundError("404", response=Mock(headers={}, status_code=404))

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    with pytest.raises(ModelLoadError, match="no model 'org/nope'"):
        download_model("org/nope")


def test_not_enough_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    hub = FakeHub(tmp_path, REPO_FILES)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(1, 1, 1000))
    with pytest.raises(ModelLoadError, match="needs 91 MB"):
        download_model("org/model")
    assert len(hub.calls) == 1


def test_imported_models_listed_and_resolved_by_path(tmp_path: Path) -> None:
    from engine.model_import import import_model
    from tests.engine.test_model_import import make_model_folder

    dest = import_model(make_model_folder(tmp_path / "m", name="org/tiny-bert"))
    assert str(dest) in list_cached_models()
    source = resolve_model(str(dest))
    assert source.path == dest and source.kind == "local"
    assert json.loads((dest / "config.json").read_text())["model_type"] == "bert"
