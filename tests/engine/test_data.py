"""Loading tables (every format), columns, label maps, the split, encodings, and a fuzz test:
whatever bytes a file holds, loading it succeeds or raises the project's DatasetError."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import (
    LABEL,
    TEXT,
    LabelMap,
    clip_texts,
    detect_columns,
    detect_encoding,
    label_to_str,
    load_table,
    prepare_data,
    read_preview,
    read_texts,
    stratified_split,
)
from engine.errors import DatasetError
from tests.conftest import ROOT, shared_dataset

BAD = ROOT / "tests" / "data" / "bad"

ROWS = [
    ("good film", "positive"),
    ("bad film", "negative"),
    ("great food, really", "positive"),
    ('awful "service"', "negative"),
    ("中文评论 很好", "positive"),
    ("line one\nline two", "negative"),
] * 4


# ----- every format gives the same table ---------------------------------------------------
def _write_all_formats(folder: Path) -> dict[str, Path]:
    import csv

    import datasets
    import pandas as pd

    frame = pd.DataFrame(ROWS, columns=["text", "label"])
    paths = {}
    with open(folder / "d.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("text", "label"), *ROWS])
    paths["csv"] = folder / "d.csv"
    with open(folder / "d.tsv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter="\t").writerows([("text", "label"), *ROWS])
    paths["tsv"] = folder / "d.tsv"
    records = [{"text": t, "label": label} for t, label in ROWS]
    (folder / "d.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    paths["json"] = folder / "d.json"
    (folder / "d.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    paths["jsonl"] = folder / "d.jsonl"
    frame.to_parquet(folder / "d.parquet")
    paths["parquet"] = folder / "d.parquet"
    datasets.Dataset.from_pandas(frame).save_to_disk(str(folder / "saved"))
    paths["save_to_disk"] = folder / "saved"
    return paths


def test_every_format_loads_the_same_rows(tmp_path: Path) -> None:
    for fmt, path in _write_all_formats(tmp_path).items():
        ds = load_table(path)
        assert ds.num_rows == len(ROWS), fmt
        assert ds["text"][:6] == [t for t, _ in ROWS[:6]], fmt
        assert ds["label"][:6] == [label for _, label in ROWS[:6]], fmt
        data = prepare_data(str(path), seed=1)
        assert data.labels.labels == ("negative", "positive"), fmt
        assert data.train.num_rows + data.validation.num_rows == len(ROWS), fmt


def test_save_to_disk_dataset_dict_uses_its_validation_split(tmp_path: Path) -> None:
    import datasets

    train = datasets.Dataset.from_dict({"text": ["a", "b", "c", "d"], "label": [0, 1, 0, 1]})
    val = datasets.Dataset.from_dict({"text": ["e", "f"], "label": [1, 0]})
    datasets.DatasetDict({"train": train, "validation": val}).save_to_disk(str(tmp_path / "dd"))
    data = prepare_data(str(tmp_path / "dd"))
    assert (data.train.num_rows, data.validation.num_rows) == (4, 2)
    assert data.validation_source and "validation" in data.validation_source
    assert data.labels.labels == ("0", "1")


def test_columns_are_strings_and_keep_their_form(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("text,label\nfirst,007\nsecond,7\nthird,NA\nfourth,007\n", encoding="utf-8")
    ds = load_table(path)
    assert ds["label"] == ["007", "7", "NA", "007"]  # no number parsing, no NA guessing


def test_read_preview_is_a_head(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "text,label\n" + "".join(f"text {i},{i % 3}\n" for i in range(5000)), encoding="utf-8"
    )
    columns, rows = read_preview(path, rows=10)
    assert columns == ["text", "label"] and len(rows) == 10 and rows[9] == ["text 9", "0"]
    columns, rows = read_preview(BAD / "bom.csv", rows=3)
    assert columns == ["text", "label"]
    with pytest.raises(DatasetError, match="not found"):
        read_preview(tmp_path / "missing.csv")


def test_read_texts_detects_the_text_column(tmp_path: Path) -> None:
    path = tmp_path / "texts.csv"
    path.write_text("id,review\n1,lovely\n2,dreadful\n", encoding="utf-8")
    ds, column = read_texts(path)
    assert column == "review" and ds[column] == ["lovely", "dreadful"]
    with pytest.raises(DatasetError, match="'body'"):
        read_texts(path, "body")


# ----- columns --------------------------------------------------------------------------------
def _dataset(columns: dict[str, list]):
    import datasets

    return datasets.Dataset.from_dict(columns)


def test_detect_columns_by_name() -> None:
    ds = _dataset({"id": ["1", "2"], "Review ": ["nice", "bad"], "STARS": ["5", "1"]})
    guess = detect_columns(ds)
    assert (guess.text, guess.label) == ("Review ", "STARS")


def test_detect_columns_by_content() -> None:
    long = [f"this is a rather long sentence number {i}" for i in range(40)]
    ds = _dataset(
        {"a": [str(i % 3) for i in range(40)], "b": long, "c": [f"id{i}" for i in range(40)]}
    )
    guess = detect_columns(ds)
    assert guess.text == "b" and guess.label == "a"


def test_detect_columns_needs_two(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="only one column"):
        detect_columns(_dataset({"text": ["a"]}), source="x.csv")


# ----- labels ---------------------------------------------------------------------------------
def test_label_map_sorts_numbers_numerically_then_text() -> None:
    assert LabelMap.from_values(["10", "2", "1", "0"]).labels == ("0", "1", "2", "10")
    assert LabelMap.from_values(["b", "10", "a", "-1", "2.5"]).labels == (
        "-1",
        "2.5",
        "10",
        "a",
        "b",
    )
    labels = LabelMap.from_values(["neg", "pos", "neg"])
    assert labels.label2id == {"neg": 0, "pos": 1} and labels.id2label == {0: "neg", 1: "pos"}
    assert len(labels) == 2


def test_labels_compare_as_strings() -> None:
    assert label_to_str(1) == label_to_str(1.0) == label_to_str("1") == "1"
    assert label_to_str(True) == "true" and label_to_str(None) == ""
    assert label_to_str(" pos ") == "pos"


def test_integer_and_float_labels_from_json_and_parquet(tmp_path: Path) -> None:
    import pandas as pd

    records = [{"text": f"t{i}", "label": [10, 2, 1][i % 3]} for i in range(12)]
    (tmp_path / "ints.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert prepare_data(str(tmp_path / "ints.jsonl")).labels.labels == ("1", "2", "10")
    pd.DataFrame({"text": [f"t{i}" for i in range(12)], "label": [0.0, 1.0] * 6}).to_parquet(
        tmp_path / "floats.parquet"
    )
    assert prepare_data(str(tmp_path / "floats.parquet")).labels.labels == ("0", "1")


def test_prepare_data_gives_text_and_label_ids(tmp_path: Path) -> None:
    data = prepare_data(str(BAD / "numeric_labels.csv"), seed=3)
    assert data.train.column_names == [TEXT, LABEL]
    assert data.labels.labels == ("0", "1", "2", "10")
    ids = set(data.train[LABEL]) | set(data.validation[LABEL])
    assert ids == {0, 1, 2, 3}
    # the id of each row is its label's index in the map
    raw = load_table(BAD / "numeric_labels.csv")
    truth = dict(zip(raw["text"], raw["label"], strict=True))
    for text, label_id in zip(data.train[TEXT], data.train[LABEL], strict=True):
        assert data.labels.labels[label_id] == truth[text]


def test_empty_texts_and_missing_labels_are_reported_by_row() -> None:
    data = prepare_data(str(BAD / "empty_texts.csv"))
    assert data.dropped_empty_text == 2
    issue = next(i for i in data.issues if i.code == "empty_texts")
    assert "2 row(s)" in issue.message and "row 5" in issue.message
    assert issue.params == {"n": 2, "first_row": 5}
    data = prepare_data(str(BAD / "missing_labels.csv"))
    assert data.dropped_missing_label == 2
    issue = next(i for i in data.issues if i.code == "missing_labels")
    assert "3" in issue.message and "26" in issue.message  # rows 3 and 26
    assert issue.params["n"] == 2 and issue.params["rows"] == [3, 26]


def test_embedded_newlines_and_quotes_survive() -> None:
    texts = load_table(BAD / "embedded_newlines.csv")["text"]
    assert texts[0] == "first line\nsecond line"
    assert texts[1] == 'a "quoted" word, and a comma'


def test_bom_and_crlf_leave_no_trace() -> None:
    assert load_table(BAD / "bom.csv").column_names == ["text", "label"]
    labels = set(load_table(BAD / "crlf.csv")["label"])
    assert labels == {"positive", "negative"}


def test_validation_file(tmp_path: Path) -> None:
    val = tmp_path / "val.csv"
    val.write_text("text,label\ngood,positive\nbad,negative\n,positive\n", encoding="utf-8")
    data = prepare_data(str(BAD / "train.csv"), validation=str(val))
    assert (data.train.num_rows, data.validation.num_rows) == (24, 2)
    assert any(i.code == "validation_skipped" for i in data.issues)
    with pytest.raises(DatasetError, match="'neutral'"):
        prepare_data(str(BAD / "train.csv"), validation=str(BAD / "validation_unknown_labels.csv"))


# ----- split ------------------------------------------------------------------------------
def test_stratified_split_keeps_every_class_and_is_seeded() -> None:
    labels = [0] * 50 + [1] * 30 + [2] * 2 + [3] * 1
    train, val = stratified_split(labels, 0.2, seed=5)
    assert sorted(train + val) == list(range(len(labels)))
    assert not set(train) & set(val)
    count = lambda idx, c: sum(1 for i in idx if labels[i] == c)  # noqa: E731
    assert (count(val, 0), count(val, 1)) == (10, 6)  # 20% of each class
    assert count(val, 2) == 1 and count(train, 2) == 1  # a class of two: one each side
    assert count(val, 3) == 0 and count(train, 3) == 1  # a single example stays in training
    assert stratified_split(labels, 0.2, seed=5) == (train, val)
    assert stratified_split(labels, 0.2, seed=6) != (train, val)


def test_too_few_rows_to_split(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("text,label\na,x\nb,y\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="too few rows"):
        prepare_data(str(path))


def test_the_split_follows_stratified_split_row_for_row(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    rows = [(f"text number {i}", "abc"[i % 3] if i % 10 else "d") for i in range(3000)]
    path.write_text(
        "text,label\n" + "".join(f"{t},{label}\n" for t, label in rows), encoding="utf-8"
    )
    data = prepare_data(str(path), validation_split=0.2, seed=7)
    ids = [data.labels.label2id[label] for _, label in rows]
    train, val = stratified_split(ids, 0.2, seed=7)
    assert data.train[TEXT] == [rows[i][0] for i in train]
    assert data.validation[TEXT] == [rows[i][0] for i in val]
    assert data.train[LABEL] == [ids[i] for i in train]


def test_preview_reads_what_pandas_reads(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "tricky.csv"
    path.write_text(
        'text,label,\n"line one\nline two",pos,x\n\n"a ""quoted"" word",neg,\nshort row\n',
        encoding="utf-8",
    )
    columns, rows = read_preview(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    assert columns == list(df.columns) == ["text", "label", "Unnamed: 2"]
    assert rows[:2] == df.values.tolist()[:2]
    assert rows[2] == ["short row", "", ""]  # a short row is padded with empty cells
    long_text = tmp_path / "long.csv"  # a field past the csv module's limit: pandas reads it
    long_text.write_text("text,label\n" + "x" * 200_000 + ",a\nb,c\n", encoding="utf-8")
    columns, rows = read_preview(long_text)
    assert columns == ["text", "label"] and rows[1] == ["b", "c"] and len(rows[0][0]) == 200_000


# ----- encodings --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "expected", "text"),
    [
        ("utf-8", "utf-8", "naïve café"),
        ("utf-8-sig", "utf-8-sig", "naïve café"),
        ("cp1252", "cp1252", "naïve café \u2019quoted\u2019 \u20ac5"),
        ("gbk", "gb18030", "这家外卖很好吃，送餐也快"),
        ("utf-16", "utf-16", "naïve café"),
    ],
)
def test_encodings_are_detected_and_decoded(
    tmp_path: Path, encoding: str, expected: str, text: str
) -> None:
    path = tmp_path / f"{encoding}.csv"
    body = "text,label\n" + "".join(f"{text} {i},{'a' if i % 2 else 'b'}\n" for i in range(10))
    path.write_bytes(body.encode(encoding))
    assert detect_encoding(path) == expected
    assert load_table(path)["text"][0] == f"{text} 0"


def test_real_gbk_reviews(tmp_path: Path) -> None:
    """Chinese reviews saved as GBK, as Excel on a Chinese Windows does."""
    import csv

    with open(shared_dataset("waimai_10k/all.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    sample = [rows[0], *rows[1:21], *rows[-20:]]
    path = tmp_path / "waimai_gbk.csv"
    with open(path, "w", encoding="gbk", errors="replace", newline="") as f:
        csv.writer(f).writerows(sample)
    assert detect_encoding(path) == "gb18030"
    data = prepare_data(str(path))
    assert data.labels.labels == ("negative", "positive")
    expected = [r[0].encode("gbk", errors="replace").decode("gbk") for r in sample[1:]]
    assert load_table(path)["text"] == expected


# ----- texts cut before tokenising --------------------------------------------------------
def test_clip_texts() -> None:
    texts = ["short", "x" * 10_000, None]
    clipped = clip_texts(texts, max_length=8)
    assert clipped[0] == "short" and len(clipped[1]) == 800 and clipped[2] == ""


def test_clipping_changes_no_token_the_model_sees(tiny_model: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    rng = random.Random(0)
    words = ["good", "film", "the", "supercalifragilistic", "中文", "a" * 40, "!!!"]
    for _ in range(20):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(10, 400)))
        for max_length in (8, 16, 64):
            whole = tokenizer(text, truncation=True, max_length=max_length)["input_ids"]
            cut = tokenizer(
                clip_texts([text], max_length)[0], truncation=True, max_length=max_length
            )
            assert cut["input_ids"] == whole


# ----- fuzz: every outcome is a load or a DatasetError --------------------------------------
VALID = {
    ".csv": b'text,label\ngood film,pos\n"bad, film",neg\n"multi\nline",pos\nfine,neg\nok,pos\n',
    ".tsv": b"text\tlabel\ngood film\tpos\nbad film\tneg\nfine\tpos\nok\tneg\n",
    ".json": b'[{"text": "good", "label": "pos"}, {"text": "bad", "label": "neg"},'
    b' {"text": "fine", "label": 1}, {"text": "ok", "label": "neg"}]',
    ".jsonl": b'{"text": "good", "label": "pos"}\n{"text": "bad", "label": "neg"}\n'
    b'{"text": "fine", "label": "pos"}\n{"text": "ok", "label": "neg"}\n',
}
NASTY = [
    b'"',
    b",",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"{",
    b"]",
    b"\t",
    b"\xe4\xb8",
]


def _parquet_bytes() -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(
        pa.table({"text": ["good", "bad", "fine", "ok"], "label": ["p", "n", "p", "n"]}), buffer
    )
    return buffer.getvalue()


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".parquet"]))
    base = _parquet_bytes() if suffix == ".parquet" else VALID[suffix]
    how = draw(st.sampled_from(["random", "mutate", "truncate", "insert"]))
    if how == "random":
        return suffix, draw(st.binary(max_size=300))
    data = bytearray(base)
    if how == "truncate":
        return suffix, bytes(data[: draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        if how == "mutate" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.sampled_from(NASTY))
    return suffix, bytes(data)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=files())
def test_fuzz_load_or_dataset_error(case: tuple[str, bytes]) -> None:
    suffix, content = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(content)
        try:
            ds = load_table(path)
        except DatasetError as exc:
            assert str(path) in str(exc)
            return
        assert ds.num_rows >= 1
        try:
            data = prepare_data(str(path))
        except DatasetError:
            return
        assert data.train.num_rows >= 1 and len(data.labels) >= 2
        assert data.train.column_names == [TEXT, LABEL]


def _bad_files(tmp_path: Path) -> list[Path]:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    xlsx = tmp_path / "sheet.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    parquet = tmp_path / "cut.parquet"
    parquet.write_bytes(b"PAR1 and then nothing")
    wide = tmp_path / "wide.tsv"
    wide.write_text("text\tlabel\ngood\tpos\nbad\tneg\textra\n", encoding="utf-8")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("text,label\n很好的电影,正面\n很差的电影,负面\n".encode("gb18030"))
    return [*sorted(BAD.iterdir()), binary, xlsx, parquet, wide, gbk]


def test_the_quick_check_says_what_the_full_load_says(tmp_path: Path) -> None:
    """check_file (standard library only, no torch) finds the problems load_table finds in
    the same words, accepts what it accepts, and counts the same rows."""
    from engine.data import check_file

    caught = 0
    for path in _bad_files(tmp_path):
        if path.suffix == ".md":
            continue
        try:
            expected = load_table(path)
        except DatasetError as exc:
            expected = exc
        try:
            facts = check_file(path)
        except DatasetError as exc:
            assert isinstance(expected, DatasetError), (path, exc)
            # the same words (a library's own detail in brackets may differ)
            assert str(expected).startswith(str(exc).split(" (")[0]), (str(exc), str(expected))
            caught += 1
            continue
        if not isinstance(expected, DatasetError) and facts.rows is not None:
            assert facts.rows == expected.num_rows, path
            assert facts.columns == list(expected.column_names), path
    assert caught >= 9  # binary, type, parquet, quotes, ragged rows, header-only, empty JSON...


def test_the_quick_check_imports_nothing_heavy(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys; from engine.data import check_file\n"
        f"facts = check_file({str(BAD / 'train.csv')!r})\n"
        "heavy = [m for m in ('datasets', 'pandas', 'torch', 'pyarrow') if m in sys.modules]\n"
        "print(facts.rows, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == "24 []", done.stderr[-2000:]


def test_sorting_by_length_prints_no_library_warning() -> None:
    import warnings

    import datasets

    from engine.data import sorted_by_length

    rows = datasets.Dataset.from_dict({"length": [3, 1, 2]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sorted_by_length(rows)["length"] == [1, 2, 3]
