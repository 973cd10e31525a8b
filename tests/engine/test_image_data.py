"""Image data: layouts, skipped files, errors, the report, decoding, transforms, the dataset."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from engine.errors import DatasetError
from engine.image_data import (
    ImageDataset,
    ImagePreprocessing,
    collate_images,
    detect_image_data,
    image_dataloader,
    image_report,
    open_rgb,
    read_image_data,
    thumbnail,
)

PREP = ImagePreprocessing(size=32, crop_pct=0.875, mean=(0.5,) * 3, std=(0.5,) * 3)


def _image(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (48, 40)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", size, color)
    # A per-file mark so images of one class are not byte-identical duplicates.
    seed = sum(i * ord(ch) for i, ch in enumerate(str(path)))
    img.putpixel((seed % size[0], (seed // 7) % size[1]), (seed % 256, 0, 0))
    img.save(path)
    return path


def make_folder(root: Path, classes: dict[str, int], ext: str = "png") -> Path:
    colors = [(220, 30, 30), (30, 30, 220), (30, 200, 30)]
    for c, (name, n) in enumerate(classes.items()):
        for i in range(n):
            _image(root / name / f"img{i}.{ext}", colors[c % 3])
    return root


def test_class_folders_split_stratified(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "data", {"cat10": 10, "cat2": 10})
    data = read_image_data(root, validation_split=0.2, seed=1)
    assert data.labels == ["cat2", "cat10"]  # natural order
    assert data.validation_source == "split"
    assert len(data.train) == 16 and len(data.validation) == 4
    assert sorted(y for _, y in data.validation) == [0, 0, 1, 1]
    assert not {p for p, _ in data.train} & {p for p, _ in data.validation}
    again = read_image_data(root, validation_split=0.2, seed=1)
    assert again.validation == data.validation


def test_train_val_folders_and_skips(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_folder(root / "train", {"a": 3, "b": 3})
    make_folder(root / "validation", {"a": 1, "b": 2})
    (root / "train" / "a" / "empty.jpg").write_bytes(b"")
    (root / "train" / "a" / "notes.txt").write_text("not an image")
    data = read_image_data(root)
    assert data.validation_source == "folder"
    assert len(data.train) == 6 and len(data.validation) == 3
    assert data.skipped == 1
    assert data.skipped_examples[0]["reason"] == "empty_file"
    assert data.skipped_examples[0]["path"].endswith("empty.jpg")


def test_csv_paths_relative_outside_and_missing(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "data", {"x": 4, "y": 4})
    lines = ["file,category"]
    lines += [f"x/img{i}.png,x" for i in range(4)] + [f"y/img{i}.png,y" for i in range(4)]
    lines += ["../secret.png,x", "x/gone.png,y"]
    _image(tmp_path / "secret.png", (0, 0, 0))
    csv = root / "list.csv"
    csv.write_text("\n".join(lines) + "\n")
    assert detect_image_data(csv) > 0.5
    data = read_image_data(csv, validation_split=0.25)
    assert data.labels == ["x", "y"]
    assert len(data.train) + len(data.validation) == 8
    reasons = [e["reason"] for e in data.skipped_examples]
    assert data.skipped == 2 and reasons == ["outside_folder", "missing"]
    assert "row 10" in data.skipped_examples[0]["path"]


def test_parquet_listing(tmp_path: Path) -> None:
    import pandas as pd

    root = make_folder(tmp_path / "data", {"x": 3, "y": 3})
    rows = [{"image": f"{c}/img{i}.png", "label": c} for c in "xy" for i in range(3)]
    pd.DataFrame(rows).to_parquet(root / "list.parquet")
    assert detect_image_data(root / "list.parquet") > 0.5
    data = read_image_data(root / "list.parquet")
    assert len(data.train) + len(data.validation) == 6


@pytest.mark.parametrize(
    ("classes", "message"),
    [({"only": 3}, "only one class"), ({"a": 2, "b": 0}, "holds no images"), ({}, "no images")],
)
def test_bad_folders(tmp_path: Path, classes: dict[str, int], message: str) -> None:
    root = make_folder(tmp_path / "data", classes)
    root.mkdir(exist_ok=True)
    for name in classes:
        (root / name).mkdir(exist_ok=True)
    with pytest.raises(DatasetError, match=message) as info:
        read_image_data(root)
    if classes.get("b") == 0:
        assert str(root / "b") in str(info.value)


def test_detect_scores(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "data", {"a": 2, "b": 2})
    assert detect_image_data(root) > 0.8
    split = tmp_path / "split"
    make_folder(split / "train", {"a": 2, "b": 2})
    make_folder(split / "val", {"a": 1, "b": 1})
    assert detect_image_data(split) >= detect_image_data(root)
    saved = tmp_path / "saved"
    shutil.copytree(root, saved)
    (saved / "dataset_info.json").write_text("{}")
    assert detect_image_data(saved) == 0.0
    text = tmp_path / "texts.csv"
    text.write_text("text,label\nhello there,a\ngood bye,b\n")
    assert detect_image_data(text) == 0.0
    assert detect_image_data(tmp_path / "missing") == 0.0


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("semicolons.csv", ["file;label", "a/img0.png;a", "b/img0.png;b", '"a/img1.png";a']),
        ("tabs.tsv", ["label\tfile", "a\ta/img0.png", "b\tb/img0.png"]),
        # a quoted note over two lines, a short row, a byte-order mark
        ("notes.csv", ["\ufeffpath,label,note", 'a/img0.png,a,"two\nlines"', "b/img0.png,b"]),
    ],
)
def test_tables_of_image_paths_are_detected_in_any_dialect(
    tmp_path: Path, name: str, rows: list[str]
) -> None:
    make_folder(tmp_path, {"a": 2, "b": 2})
    table = tmp_path / name
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert detect_image_data(table) > 0.8
    missing = tmp_path / "elsewhere" / name
    missing.parent.mkdir()
    shutil.copy(table, missing)  # the same names, no such files beside it: half the score
    assert 0.4 < detect_image_data(missing) < 0.5


def test_report_findings(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_folder(root / "train", {"a": 4, "b": 4})
    make_folder(root / "val", {"a": 2, "b": 2})
    shutil.copy(root / "train" / "a" / "img0.png", root / "val" / "a" / "copy.png")
    shutil.copy(root / "train" / "b" / "img0.png", root / "train" / "b" / "again.png")
    _image(root / "train" / "a" / "tiny.png", (1, 2, 3), size=(20, 20))
    _image(root / "train" / "b" / "wide.png", (1, 2, 3), size=(200, 40))
    report = image_report(read_image_data(root))
    assert report["counts"]["train"] == {"a": 5, "b": 6}
    assert report["counts"]["validation"] == {"a": 3, "b": 2}
    assert report["validation_source"] == "folder"  # its val/ folder, not a share
    codes = {f["code"]: f for f in report["findings"]}
    assert codes["duplicates_across_splits"]["count"] == 1
    assert codes["duplicates_within_split"]["split"] == "train"
    assert codes["duplicates_within_split"]["count"] == 1
    assert codes["tiny_images"]["examples"][0].endswith("tiny.png")
    assert codes["extreme_aspect"]["examples"][0].endswith("wide.png")
    assert report["sizes"]["width"]["max"] == 200


def test_open_rgb_modes_exif_gif_and_bad_files(tmp_path: Path) -> None:
    from PIL import Image

    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    rgba.save(tmp_path / "t.png")
    assert open_rgb(tmp_path / "t.png").getpixel((0, 0)) == (255, 255, 255)
    Image.new("CMYK", (10, 10), (0, 0, 0, 0)).save(tmp_path / "c.jpg")
    Image.new("L", (10, 10), 128).save(tmp_path / "g.bmp")
    Image.new("RGB", (10, 10), (0, 0, 255)).convert("P").save(tmp_path / "p.gif")
    Image.new("RGB", (10, 10), (0, 255, 0)).save(tmp_path / "w.webp")
    for name in ("c.jpg", "g.bmp", "p.gif", "w.webp"):
        assert open_rgb(tmp_path / name).mode == "RGB"
    # EXIF orientation 6 (rotate 90): a 30x10 landscape becomes 10x30 upright.
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (30, 10), (9, 9, 9)).save(tmp_path / "r.jpg", exif=exif)
    assert open_rgb(tmp_path / "r.jpg").size == (10, 30)
    frames = [Image.new("P", (8, 8), i) for i in (1, 2)]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:])
    assert open_rgb(tmp_path / "a.gif").size == (8, 8)

    (tmp_path / "fake.jpg").write_text("not really a jpeg")
    with pytest.raises(DatasetError, match="fake.jpg"):
        open_rgb(tmp_path / "fake.jpg")
    Image.new("RGB", (64, 64), (1, 2, 3)).save(tmp_path / "full.jpg")
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="cut.jpg"):
        open_rgb(tmp_path / "cut.jpg")
    with pytest.raises(DatasetError, match="full.jpg is 64 x 64 pixels"):
        open_rgb(tmp_path / "full.jpg", max_pixels=1000)


def test_thumbnail_never_raises(tmp_path: Path) -> None:
    _image(tmp_path / "big.png", (5, 5, 5), size=(300, 100))
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8garbage")
    assert max(thumbnail(tmp_path / "big.png", 64).size) == 64
    for bad in ("bad.jpg", "missing.png"):
        img = thumbnail(tmp_path / bad, 48)
        assert img.size == (48, 48) and img.mode == "RGB"


def test_dataset_batches_skip_bad_files_and_pickle(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "data", {"a": 3, "b": 3})
    (root / "a" / "img1.png").write_bytes(b"broken")
    data = read_image_data(root, validation_split=0.34)
    train = ImageDataset(data.train, PREP, train=True)
    item = train[0]
    assert tuple(item["pixel_values"].shape) == (3, 32, 32)
    assert isinstance(item["labels"], int)
    items = [train[i] for i in range(len(train))]
    assert len(items) == len(train)
    assert any(p.endswith("img1.png") for p in train.failed) or all(
        not p.endswith("img1.png") for p, _ in data.train
    )
    clone = pickle.loads(pickle.dumps(train))
    assert clone._transform is None and clone.items == train.items
    batch = collate_images(items)
    assert tuple(batch["pixel_values"].shape) == (len(train), 3, 32, 32)
    assert batch["labels"].dtype.is_floating_point is False
    val = ImageDataset(data.validation, PREP, train=False)
    assert (val[0]["pixel_values"] - val[0]["pixel_values"]).abs().max() == 0
    assert float(val[0]["pixel_values"].min()) >= -1.0 - 1e-6


def test_large_jpegs_decode_at_a_reduced_scale_that_keeps_the_needed_detail(
    tmp_path: Path,
) -> None:
    from PIL import Image

    from engine.image_data import build_transform

    big = tmp_path / "big.jpg"
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(big, quality=90)
    train_side = build_transform(PREP, train=True).min_source_side
    eval_side = build_transform(PREP, train=False).min_source_side
    assert train_side == 74 and eval_side == 37  # 32 px: smallest crop 0.433 x side; 32 / 0.875
    reduced = open_rgb(big, min_side=train_side)
    assert reduced.size == (150, 113)  # 1/8 scale, both sides still >= 74
    assert open_rgb(big, min_side=200).size == (300, 225)  # 1/4: 1/8 would be under 200
    assert open_rgb(big).size == (1200, 900)
    png = _image(tmp_path / "big.png", (1, 2, 3), size=(400, 300))
    assert open_rgb(png, min_side=37).size == (400, 300)  # only JPEGs have a reduced scale
    for train in (True, False):
        item = ImageDataset([(str(big), 0)], PREP, train=train)[0]
        assert tuple(item["pixel_values"].shape) == (3, 32, 32)


@pytest.mark.timeout(120)
def test_spawned_workers(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "data", {"a": 4, "b": 4})
    data = read_image_data(root)
    loader = image_dataloader(
        ImageDataset(data.train, PREP, train=False), batch_size=4, num_workers=1
    )
    batches = list(loader)
    assert sum(len(b["labels"]) for b in batches) == len(data.train)


def test_separate_validation_source(tmp_path: Path) -> None:
    train = make_folder(tmp_path / "train_set", {"a": 3, "b": 3})
    val = make_folder(tmp_path / "val_set", {"a": 2, "b": 1})
    data = read_image_data(train, val)
    assert data.validation_source == "file"
    assert (len(data.train), len(data.validation)) == (6, 3)
    extra = make_folder(tmp_path / "val_extra", {"a": 1, "c": 1})
    with pytest.raises(DatasetError, match="classes that training lacks: c"):
        read_image_data(train, extra)


def test_preprocessing_from_model_folders(tmp_path: Path) -> None:
    import json

    from engine.image_data import image_preprocessing

    convnext = {"size": {"shortest_edge": 224}, "crop_pct": 0.9, "image_mean": [0.1, 0.2, 0.3]}
    vit = {"size": {"height": 384, "width": 384}, "image_std": [0.5, 0.5, 0.5]}
    for name, cfg in (("convnext", convnext), ("vit", vit)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "preprocessor_config.json").write_text(json.dumps(cfg))
    a = image_preprocessing(tmp_path / "convnext")
    assert (a.size, a.crop_pct, a.mean) == (224, 0.9, (0.1, 0.2, 0.3))
    b = image_preprocessing(tmp_path / "vit")
    assert (b.size, b.crop_pct) == (384, 1.0)
