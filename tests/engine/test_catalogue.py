"""The built-in model catalogue: ranking by language, what is on this computer, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import catalogue
from engine.catalogue import CATALOGUE, find_entry, list_models, recommended
from engine.cli import main as cli_main


@pytest.fixture(autouse=True)
def empty_hf_cache(monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """No real Hugging Face cache: tests put models 'in the cache' through this dict."""
    cached: dict[str, Path] = {}
    monkeypatch.setattr("engine.models.cached_snapshot", lambda repo_id: cached.get(repo_id))
    return cached


def ids(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows]


def test_chinese_first_then_multilingual_then_the_rest() -> None:
    rows = list_models("zh")
    assert ids(rows)[:3] == [
        "hfl/rbt3",  # fast (3 layers) before the two 12-layer ones
        "google-bert/bert-base-chinese",
        "hfl/chinese-roberta-wwm-ext",
    ]
    assert [r["languages"] for r in rows[3:6]] == [["multi"]] * 3
    assert ids(rows)[3] == "microsoft/Multilingual-MiniLM-L12-H384"
    assert rows[5]["id"] == "FacebookAI/xlm-roberta-base" and rows[5]["speed"] == "slow"
    assert all(r["reads_language"] for r in rows[:6])
    assert not any(r["reads_language"] for r in rows[6:])


def test_english_puts_the_starter_first_and_it_is_always_here() -> None:
    rows = list_models("en")
    first = rows[0]
    assert first["id"] == "sentence-transformers/all-MiniLM-L6-v2" and first["starter"]
    assert first["on_this_computer"] and Path(first["path"], "config.json").is_file()
    assert [r["speed"] for r in rows[:4]] == ["fast", "medium", "medium", "slow"]
    assert set(rows[0]) >= {"id", "languages", "parameters", "download_mb", "licence", "speed",
                            "on_this_computer"}  # fmt: skip


def test_language_without_own_models_gets_multilingual_first() -> None:
    rows = list_models("ja")
    assert all(r["languages"] == ["multi"] for r in rows[:3])
    assert recommended("ja")["id"] == "microsoft/Multilingual-MiniLM-L12-H384"
    assert recommended("ja", on_this_computer=True) is None
    assert recommended("en", on_this_computer=True)["starter"]


def test_no_language_is_fastest_smallest_first() -> None:
    rows = list_models()
    keys = [({"fast": 0, "medium": 1, "slow": 2}[r["speed"]], r["parameters"]) for r in rows]
    assert keys == sorted(keys) and rows[0]["starter"]


def test_cached_under_an_old_id_counts(empty_hf_cache: dict[str, Path], tmp_path: Path) -> None:
    empty_hf_cache["bert-base-chinese"] = tmp_path
    row = next(r for r in list_models("zh") if r["id"] == "google-bert/bert-base-chinese")
    assert row["on_this_computer"] and row["path"] == str(tmp_path)


def test_imported_model_counts_as_here(tmp_path: Path) -> None:
    from engine.model_import import import_model
    from tests.engine.test_model_import import make_model_folder

    dest = import_model(make_model_folder(tmp_path / "rbt3"))  # by its folder's name
    row = list_models("zh")[0]
    assert row["id"] == "hfl/rbt3" and row["on_this_computer"] and row["path"] == str(dest)
    dest = import_model(make_model_folder(tmp_path / "x"), name="google-bert/bert-base-chinese")
    row = next(r for r in list_models("zh") if r["id"] == "google-bert/bert-base-chinese")
    assert row["path"] == str(dest)


def test_entries_are_consistent() -> None:
    assert len({e.id for e in CATALOGUE}) == len(CATALOGUE) == 10
    for e in CATALOGUE:
        assert e.weights in ("safetensors", "pickle")
        assert e.languages and all(len(code) == 2 or code == "multi" for code in e.languages)
        # fp32 weights are 4 bytes a parameter; deberta-v3-small is published in fp16
        bytes_per_param = e.download_mb * 1e6 / e.parameters
        assert 1.9 < bytes_per_param < 4.2, e.id
    assert find_entry("starter") is find_entry("sentence-transformers/all-MiniLM-L6-v2")
    assert find_entry("xlm-roberta-base").id == "FacebookAI/xlm-roberta-base"
    assert find_entry("nobody/nothing") is None


def test_speed_class_from_shape() -> None:
    assert catalogue.CatalogueEntry("a/b", ("en",), 1, 1, "mit", 3, 768, "pickle").speed == "fast"
    assert catalogue.CatalogueEntry("a/b", ("en",), 1, 1, "mit", 6, 768, "pickle").speed == "medium"
    assert catalogue.CatalogueEntry("a/b", ("en",), 1, 1, "mit", 24, 1024, "pickle").speed == "slow"


def test_cli_models_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["models", "--language", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(CATALOGUE) and rows[0]["id"] == "hfl/rbt3"


def test_cli_import_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.test_model_import import make_model_folder

    src = make_model_folder(tmp_path / "m", weights="pickle")
    assert cli_main(["import-model", str(src)]) == 2
    assert "--allow-pickle" in capsys.readouterr().err
    assert cli_main(["import-model", str(src), "--allow-pickle", "--name", "mine"]) == 0
    out = capsys.readouterr().out.strip()
    assert Path(out).name == "mine" and Path(out, "config.json").is_file()
