"""Importing a model folder or zip from another computer: checks, zip safety, atomicity."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from engine.errors import ModelLoadError
from engine.model_import import (
    import_model,
    list_local_models,
    local_model_path,
    models_dir,
    safe_name,
)


def make_model_folder(folder: Path, *, name: str = "org/tiny-bert", weights: str = "safe") -> Path:
    """A minimal but genuine model folder: BERT config, word-piece vocab, safetensors."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    config = {"model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": 8,
              "hidden_size": 4, "_name_or_path": name}  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\ngood\nbad\nthe\nfilm\n")
    tensors = {"embeddings.weight": np.arange(32, dtype=np.float32).reshape(8, 4)}
    if weights == "safe":
        from safetensors.numpy import save_file

        save_file(tensors, str(folder / "model.safetensors"))
    elif weights == "pickle":
        (folder / "pytorch_model.bin").write_bytes(b"not really a pickle, never loaded here")
    return folder


def zip_folder(folder: Path, zip_path: Path, *, prefix: str = "", stored: bool = False) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(zip_path, "w", method) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, prefix + p.relative_to(folder).as_posix())
    return zip_path


def imported_names() -> list[str]:
    return [m.name for m in list_local_models()]


def no_leftovers() -> bool:
    root = models_dir()
    return not root.exists() or not any(p.name.startswith(".import-") for p in root.iterdir())


def test_folder_import_lands_in_models_dir_by_hub_name(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "model")  # a name that says nothing: the config's
    seen: list[tuple[int, int]] = []
    dest = import_model(src, progress=lambda d, t: seen.append((d, t)))
    assert dest == models_dir() / "org--tiny-bert"
    assert (dest / "model.safetensors").is_file() and (dest / "vocab.txt").is_file()
    assert seen[-1][0] == seen[-1][1] > 0
    assert imported_names() == ["org--tiny-bert"]
    assert list_local_models()[0].source == str(src.resolve())
    assert local_model_path("org/tiny-bert") == dest
    assert src.is_dir()  # the original is copied, not moved


def test_zip_with_top_folder_imports_and_name_from_zip(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m", name="org/base-model")
    archive = zip_folder(src, tmp_path / "my-model.zip", prefix="my-model/")
    dest = import_model(archive)
    assert dest.name == "my-model"
    assert (dest / "config.json").is_file()
    assert no_leftovers()


def test_hub_cache_folder_with_symlinks_is_copied_by_content(tmp_path: Path) -> None:
    made = make_model_folder(tmp_path / "made", name="")
    cache = tmp_path / "models--bert-org--bert-small"
    blobs, snap = cache / "blobs", cache / "snapshots" / "0123abcd"
    blobs.mkdir(parents=True)
    snap.mkdir(parents=True)
    for i, f in enumerate(sorted(made.iterdir())):
        (blobs / f"blob{i}").write_bytes(f.read_bytes())
        os.symlink(blobs / f"blob{i}", snap / f.name)
    dest = import_model(cache)
    assert dest.name == "bert-org--bert-small"
    assert not (dest / "model.safetensors").is_symlink()
    assert (dest / "model.safetensors").read_bytes() == (made / "model.safetensors").read_bytes()


def test_existing_name_refused_unless_replace(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "a")
    dest = import_model(src)
    with pytest.raises(ModelLoadError, match="already imported"):
        import_model(src)
    (src / "extra.txt").write_text("new")
    assert import_model(src, replace=True) == dest
    assert (dest / "extra.txt").read_text() == "new"
    assert import_model(src, name="second copy").name == "second_copy"
    assert no_leftovers()


def test_zip_slip_refused_and_nothing_written(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    src = make_model_folder(tmp_path / "m")
    zip_folder(src, archive)
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("../../outside.txt", "gotcha")
    with pytest.raises(ModelLoadError, match=r"climbs out"):
        import_model(archive)
    assert not (tmp_path / "outside.txt").exists()
    assert imported_names() == [] and no_leftovers()


def test_absolute_zip_entry_refused(tmp_path: Path) -> None:
    archive = zip_folder(make_model_folder(tmp_path / "m"), tmp_path / "abs.zip")
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("/etc/evil.txt", "x")
    with pytest.raises(ModelLoadError, match="absolute path"):
        import_model(archive)
    assert imported_names() == []


def test_symlink_zip_entry_refused(tmp_path: Path) -> None:
    archive = zip_folder(make_model_folder(tmp_path / "m"), tmp_path / "link.zip")
    with zipfile.ZipFile(archive, "a") as z:
        info = zipfile.ZipInfo("vocab_link.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(ModelLoadError, match="symbolic link"):
        import_model(archive)
    assert imported_names() == [] and no_leftovers()


def test_truncated_zip_refused(tmp_path: Path) -> None:
    archive = zip_folder(make_model_folder(tmp_path / "m"), tmp_path / "cut.zip")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="not a zip file|damaged"):
        import_model(archive)
    assert imported_names() == [] and no_leftovers()


def test_crc_mismatch_refused(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m")
    archive = tmp_path / "crc.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for p in sorted(src.iterdir()):
            z.write(p, p.name)
    data = bytearray(archive.read_bytes())
    at = data.index(b"[PAD]")  # vocab.txt is stored uncompressed: flip one byte of it
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="damaged or incomplete"):
        import_model(archive)
    assert imported_names() == [] and no_leftovers()


def test_missing_tokenizer_refused(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m")
    (src / "vocab.txt").unlink()
    with pytest.raises(ModelLoadError, match="no tokenizer"):
        import_model(src)
    assert imported_names() == []


def test_image_model_needs_processor_not_tokenizer(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "vit", name="google/tiny-vit")
    (src / "vocab.txt").unlink()
    (src / "preprocessor_config.json").write_text('{"image_processor_type": "ViTImageProcessor"}')
    assert import_model(src).name == "vit"


def test_missing_weights_refused(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m", weights="none")
    (src / "tf_model.h5").write_bytes(b"x")
    with pytest.raises(ModelLoadError, match="no weights.*tf_model.h5"):
        import_model(src)


def test_truncated_safetensors_refused(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m")
    weights = src / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-20])
    with pytest.raises(ModelLoadError, match="incomplete"):
        import_model(src)
    assert imported_names() == [] and no_leftovers()


def test_pickled_weights_only_with_opt_in(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m", weights="pickle")
    with pytest.raises(ModelLoadError, match="pickled"):
        import_model(src)
    assert imported_names() == []
    dest = import_model(src, allow_pickle=True)
    assert (dest / "pytorch_model.bin").is_file()


def test_remote_code_refused(tmp_path: Path) -> None:
    src = make_model_folder(tmp_path / "m")
    config = json.loads((src / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling_x.XModel"}
    (src / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="trust_remote_code"):
        import_model(src)


def test_name_of_a_snapshot_folder_is_the_configs(tmp_path: Path) -> None:
    snap = make_model_folder(tmp_path / ("a" * 40), name="org/from-config")
    assert import_model(snap).name == "org--from-config"
    odd = make_model_folder(tmp_path / "x" / "model", name="/home/me/checkpoints/final")
    assert import_model(odd).name == "model"  # a path on the other computer is no name


def test_not_a_model_and_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not found"):
        import_model(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        import_model(tmp_path / "empty")
    text = tmp_path / "model.zip"
    text.write_text("hello")
    with pytest.raises(ModelLoadError, match="not a zip"):
        import_model(text)


def test_two_models_in_one_zip_is_ambiguous(tmp_path: Path) -> None:
    make_model_folder(tmp_path / "two" / "a")
    make_model_folder(tmp_path / "two" / "b")
    with pytest.raises(ModelLoadError, match="more than one model"):
        import_model(tmp_path / "two")


def test_safe_name() -> None:
    assert safe_name("hfl/rbt3") == "hfl--rbt3"
    assert safe_name("../../etc") == "etc"
    assert safe_name("a b:c") == "a_b_c"


def test_stale_staging_from_a_killed_import_is_cleared(tmp_path: Path) -> None:
    stale = models_dir() / ".import-killed"
    (stale / "content").mkdir(parents=True)
    fresh = models_dir() / ".import-running"
    fresh.mkdir()
    os.utime(stale, (1, 1))
    import_model(make_model_folder(tmp_path / "m"))
    assert not stale.exists() and fresh.exists()


@pytest.mark.parametrize("as_zip", [False, True])
def test_weights_strop_never_loads_are_left_behind(tmp_path: Path, as_zip: bool) -> None:
    src = make_model_folder(tmp_path / "full-download")
    for name in ("tf_model.h5", "flax_model.msgpack", "rust_model.ot", "pytorch_model.bin",
                 "onnx/model.onnx", "coreml/model.mlpackage/Data/weights.bin"):  # fmt: skip
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(b"0" * 1000)
    (src / "1_Pooling").mkdir()
    (src / "1_Pooling" / "config.json").write_text("{}")
    path = zip_folder(src, tmp_path / "full.zip") if as_zip else src
    dest = import_model(path)
    kept = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert kept == [".strop-import.json", "1_Pooling/config.json", "config.json",
                    "model.safetensors", "vocab.txt"]  # fmt: skip


@pytest.mark.slow
def test_real_starter_model_zipped_imports_and_loads(tmp_path: Path) -> None:
    """The bundled all-MiniLM-L6-v2, zipped as someone would carry it, loads once imported."""
    from engine.models import describe_model, resolve_model, starter_model_path

    archive = zip_folder(starter_model_path(), tmp_path / "all-MiniLM-L6-v2.zip", stored=True)
    dest = import_model(archive)
    assert dest.name == "all-MiniLM-L6-v2"  # not its config's nreimers/MiniLM-L6-H384-uncased
    source = resolve_model(str(dest))
    info = describe_model(source)
    # 22,713,216 parameters plus the 512 position_ids kept in the file
    assert info.parameters == 22_713_216 + 512 and info.model_type == "bert"
    assert (dest / "1_Pooling" / "config.json").is_file()
