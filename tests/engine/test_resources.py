from __future__ import annotations

import sys
from pathlib import Path

from engine import resources
from engine.data import load_table
from engine.resources import resource_path, resources_dir, sample_dataset_path

ROOT = Path(__file__).resolve().parents[2]


def test_source_checkout_resolves_resources_next_to_engine() -> None:
    assert resources_dir() == ROOT / "resources"
    assert resource_path("sample", "x.csv") == ROOT / "resources" / "sample" / "x.csv"
    assert not resources.is_frozen()


def test_frozen_app_resolves_resources_under_meipass(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resource_path("icons", "strop.svg") == tmp_path / "resources" / "icons" / "strop.svg"
    assert sample_dataset_path() == tmp_path / "resources" / "sample" / "sentiment_sentences.csv"


def test_frozen_flag_without_meipass_is_not_pyinstaller(monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources_dir() == ROOT / "resources"


def test_sample_dataset_is_bundled_balanced_and_attributed() -> None:
    path = sample_dataset_path()
    assert path.is_file()
    table = load_table(path)
    assert table.column_names == ["text", "label"]
    assert table.num_rows == 3000
    labels = table["label"]
    assert sorted(set(labels)) == ["negative", "positive"]
    assert labels.count("positive") == 1500
    attribution = resources.sample_attribution_path().read_text(encoding="utf-8")
    assert "Kotzias" in attribution and "CC BY 4.0" in attribution
