"""Named-entity data: read word/tag sentences from the formats people label them in.

Every reader returns :class:`Sentence` objects (words, tags, and the line or record they came
from, so an error or a finding can point at it). Tags are converted to IOB2 (``B-X``/``I-X``/
``O``) whatever scheme the file uses, because the metrics (seqeval) and the alignment expect
one scheme and the user should not have to convert their file by hand.

Formats, found by content (``detect_format``) rather than by extension alone:

- ``conll``: one token per line, tag in the last column (tab or space separated), blank or
  whitespace-only lines between sentences, ``-DOCSTART-`` lines skipped.
- ``jsonl-tokens``: ``{"tokens": [...], "ner_tags": [...]}`` (or ``"tags"``); integer tags
  take their names from a ``labels.txt`` next to the file.
- ``doccano``: JSONL ``{"text", "label": [[start, end, "TYPE"], ...]}`` or
  ``{"text", "entities": [{"start_offset", "end_offset", "label"}]}``.
- ``label-studio``: a JSON array (JSON-MIN export) of
  ``{"text", "label": [{"start", "end", "text", "labels": ["TYPE"]}]}``.

Span formats are split into words (:func:`split_words`, CJK characters one word each); a
word that overlaps a span gets its tag.

The report (:func:`token_report`) is plain data: findings carry a ``code`` and parameters,
and the window translates the code, never English text.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import DatasetError

CONLL_SUFFIXES = {".conll", ".txt", ".bio", ".iob", ".tsv"}
JSON_SUFFIXES = {".jsonl", ".json", ".ndjson"}
DOCSTART = "-DOCSTART-"
OUTSIDE = "O"
# Prefix letters of the schemes we accept; E/S (BIOES), M (BMES), L/U (BILOU).
_PREFIXES = {"B", "I", "E", "S", "M", "L", "U"}
_SNIFF_LINES = 400
_SNIFF_RECORDS = 50
MAX_EXAMPLES = 5

# One CJK character per word (Chinese, Japanese kana, Korean syllables); other runs of word
# characters form one word; each other non-space character is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")
_TAG_RE = re.compile(r"^(?:O|[BIESMLUbiesmlu]-\S+)$")


@dataclass
class Sentence:
    """One sentence: words, their tags, and where it came from (1-based line or record).

    ``text``/``offsets`` are set when the sentence came from character spans, so a finding
    can quote the original text.
    """

    tokens: list[str]
    tags: list[str]
    record: int
    text: str | None = None
    offsets: list[tuple[int, int]] | None = None


@dataclass(frozen=True)
class Finding:
    """One fact about the data. ``level``: ``info``, ``warning`` or ``problem``.

    ``params`` holds the numbers and names the translated sentence needs.
    """

    code: str
    level: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class TokenData:
    """Training and validation sentences in IOB2, and the tag list (``O`` first)."""

    train: list[Sentence]
    validation: list[Sentence]
    tags: list[str]
    scheme: str
    source: str
    validation_source: str | None
    format: str
    # The training file's tags mapped to B/I before repair, so the report can count scheme
    # errors the repair hid.
    raw: list[Sentence] = field(default_factory=list, repr=False)

    @property
    def label2id(self) -> dict[str, int]:
        return {tag: i for i, tag in enumerate(self.tags)}

    @property
    def entity_types(self) -> list[str]:
        return sorted({tag[2:] for tag in self.tags if tag != OUTSIDE})


# ---------------------------------------------------------------------------- word splitting


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Split text into words with character offsets: CJK characters one by one, runs of word
    characters together, punctuation alone (how CoNLL files tokenise, so a span file and a
    CoNLL file of the same data give the same words)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


# ---------------------------------------------------------------------------- format detection


def _sniff_text(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read(1 << 16)
    except OSError as exc:
        raise DatasetError(
            f"Cannot read {path}: {exc.strerror or exc}.",
            hint="Check that the file exists and can be opened.",
        ) from exc


def _record_kind(record: Any) -> str:
    """``tokens``, ``doccano``, ``classification`` or ``other`` for one JSON record."""
    if not isinstance(record, dict):
        return "other"
    if isinstance(record.get("tokens"), list) and (
        isinstance(record.get("ner_tags"), list) or isinstance(record.get("tags"), list)
    ):
        return "tokens"
    if isinstance(record.get("text"), str):
        if isinstance(record.get("entities"), list):
            return "doccano"
        label = record.get("label")
        if isinstance(label, list) and all(isinstance(span, (list, dict)) for span in label):
            return "doccano"
        if isinstance(label, (str, int, float)) or isinstance(record.get("labels"), str):
            return "classification"
    return "other"


def _is_label_studio(records: list[Any]) -> bool:
    return bool(records) and all(
        isinstance(r, dict)
        and isinstance(r.get("text"), str)
        and isinstance(r.get("label", []), list)
        and all(isinstance(s, dict) for s in r.get("label", []))
        for r in records[:_SNIFF_RECORDS]
    )


def _conll_line_score(lines: list[str]) -> float:
    """Share of content lines whose last column looks like a tag (``O``, ``B-X``, ...)."""
    content = [ln for ln in lines if ln.strip() and not ln.strip().startswith(DOCSTART)]
    if not content:
        return 0.0
    tagged = outside = 0
    last: set[str] = set()
    for line in content:
        cols = _columns(line)
        if len(cols) < 2:
            continue
        last.add(cols[-1])
        tagged += bool(_TAG_RE.match(cols[-1]))
        outside += cols[-1] == OUTSIDE
    if tagged / len(content) >= 0.5:
        return tagged / len(content)
    # Plain (IO) tags: every line has a last column, O is common and there are few tags.
    plain = all(len(_columns(ln)) >= 2 for ln in content)
    if plain and outside / len(content) >= 0.2 and len(last) <= max(20, len(content) // 10):
        return 0.8
    return tagged / len(content)


def detect_format(path: str | os.PathLike[str]) -> tuple[str, float]:
    """The token-data format of a file and how sure we are (0-1), judged by content."""
    path = Path(path)
    if path.is_dir():
        return "none", 0.0
    head = _sniff_text(path)
    stripped = head.lstrip()
    if not stripped:
        return "none", 0.0
    if stripped.startswith("["):
        try:
            records = json.loads(_sniff_text_all(path))
        except (ValueError, DatasetError):
            return "none", 0.0
        if isinstance(records, list) and _is_label_studio(records):
            has_spans = any(r.get("label") for r in records[:_SNIFF_RECORDS])
            return "label-studio", 1.0 if has_spans else 0.6
        return "none", 0.0
    if stripped.startswith("{"):
        kinds: Counter[str] = Counter()
        for line in head.splitlines()[:_SNIFF_RECORDS]:
            if not line.strip():
                continue
            try:
                kinds[_record_kind(json.loads(line))] += 1
            except ValueError:
                continue  # the last line of the sniffed block may be cut off
        if not kinds:
            return "none", 0.0
        kind, count = kinds.most_common(1)[0]
        share = count / sum(kinds.values())
        if kind == "tokens":
            return "jsonl-tokens", share
        if kind == "doccano":
            return "doccano", share
        return "none", 0.0
    lines = head.splitlines()[:_SNIFF_LINES]
    if len(head) >= (1 << 16) and lines:
        lines = lines[:-1]  # possibly cut off
    score = _conll_line_score(lines)
    if path.suffix.lower() not in CONLL_SUFFIXES:
        score *= 0.9
    return ("conll", score) if score > 0 else ("none", 0.0)


def detect_token_data(path: str | os.PathLike[str]) -> float:
    """How likely (0-1) the file holds token-classification data, judged by its content.

    A CoNLL ``.txt`` scores high, a CSV of texts scores 0; a JSONL of tokens/ner_tags or of
    doccano spans scores 1, a JSONL of text/label records for classification scores 0.
    """
    return detect_format(path)[1]


def _sniff_text_all(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DatasetError(
            f"Cannot read {path}: {exc.strerror or exc}.",
            hint="Check that the file exists and can be opened.",
        ) from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DatasetError(
            f"{path}, line {line}: the file is not UTF-8 text.",
            hint="Save it as UTF-8 and load it again.",
        ) from exc


# ---------------------------------------------------------------------------- readers


def _columns(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\r\n").split("\t") if c.strip()]
    return line.split()


def read_conll(path: str | os.PathLike[str]) -> list[Sentence]:
    """Sentences of a CoNLL-style file, tags as written (not yet converted)."""
    path = Path(path)
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    start = 0
    for number, line in enumerate(_sniff_text_all(path).splitlines(), start=1):
        if not line.strip():
            if tokens:
                sentences.append(Sentence(tokens, tags, start))
                tokens, tags = [], []
            continue
        if line.strip().startswith(DOCSTART):
            continue
        if line.lstrip().startswith(("{", "[")) and _looks_like_json(line):
            raise DatasetError(
                f"{path}, line {number}: a JSON record inside a CoNLL file (the file mixes "
                "formats).",
                hint="Keep one format per file: one token and its tag per line.",
            )
        cols = _columns(line)
        if len(cols) < 2:
            raise DatasetError(
                f"{path}, line {number}: only one column ({line.strip()[:40]!r}); each line "
                "needs a token and its tag.",
                hint="Put the tag in the last column, separated by a tab or a space.",
            )
        if not tokens:
            start = number
        tokens.append(cols[0])
        tags.append(cols[-1])
    if tokens:
        sentences.append(Sentence(tokens, tags, start))
    return sentences


def _looks_like_json(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _labels_txt(path: Path) -> list[str] | None:
    candidate = path.with_name("labels.txt")
    if not candidate.is_file():
        return None
    return [
        ln.strip() for ln in candidate.read_text(encoding="utf-8-sig").splitlines() if ln.strip()
    ]


def _jsonl_records(path: Path) -> list[tuple[int, Any]]:
    records = []
    for number, line in enumerate(_sniff_text_all(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DatasetError(
                f"{path}, line {number}: not a JSON record ({getattr(exc, 'msg', exc)}).",
                hint="Each line of a JSON Lines file must be one complete JSON object.",
            ) from exc
    return records


def _check_kind(path: Path, number: int, record: Any, expected: str) -> None:
    kind = _record_kind(record)
    if kind != expected:
        what = {
            "tokens": "a tokens/ner_tags record",
            "doccano": "a text with entity spans",
            "classification": "a text/label record for classification",
        }.get(kind, "a record of an unknown shape")
        raise DatasetError(
            f"{path}, record on line {number}: {what}, but the file starts with "
            f"{'tokens/ner_tags records' if expected == 'tokens' else 'entity-span records'} "
            "(the file mixes formats).",
            hint="Keep one format per file.",
        )


def read_jsonl_tokens(path: str | os.PathLike[str]) -> list[Sentence]:
    """Sentences of a ``{"tokens": [...], "ner_tags": [...]}`` JSON Lines file."""
    path = Path(path)
    names = _labels_txt(path)
    sentences = []
    for number, record in _jsonl_records(path):
        _check_kind(path, number, record, "tokens")
        tokens = record["tokens"]
        tags = record.get("ner_tags", record.get("tags"))
        if len(tokens) != len(tags):
            raise DatasetError(
                f"{path}, line {number}: {len(tokens)} tokens but {len(tags)} tags.",
                hint="Give every token exactly one tag.",
            )
        if any(isinstance(t, bool) or not isinstance(t, (str, int)) for t in tags):
            raise DatasetError(
                f"{path}, line {number}: tags must be strings or integers.",
                hint='Write tags as names ("B-PER") or as numbers with a labels.txt.',
            )
        if any(isinstance(t, int) for t in tags):
            if names is None:
                raise DatasetError(
                    f"{path}, line {number}: the tags are numbers and there is no labels.txt "
                    "next to the file to name them.",
                    hint="Put a labels.txt beside the file, one tag name per line, in id order.",
                )
            bad = [t for t in tags if isinstance(t, int) and not 0 <= t < len(names)]
            if bad:
                raise DatasetError(
                    f"{path}, line {number}: tag id {bad[0]} is not in labels.txt "
                    f"({len(names)} names).",
                    hint="Add the missing names to labels.txt, in id order.",
                )
            tags = [names[t] if isinstance(t, int) else t for t in tags]
        sentences.append(Sentence([str(t) for t in tokens], [str(t) for t in tags], number))
    return sentences


def _spans_to_sentence(
    path: Path, number: int, text: str, spans: list[tuple[int, int, str]]
) -> Sentence:
    for start, end, label in spans:
        if not (0 <= start < end <= len(text)):
            raise DatasetError(
                f"{path}, record {number}: the span {start}-{end} ({label}) is outside the text "
                f"(length {len(text)}) or empty.",
                hint="Check the start and end offsets of this span.",
            )
    ordered = sorted(spans)
    for (s1, e1, l1), (s2, e2, l2) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise DatasetError(
                f"{path}, record {number}: the spans {s1}-{e1} ({l1}) and {s2}-{e2} ({l2}) "
                "overlap.",
                hint="Named-entity data needs non-overlapping spans; keep one of them.",
            )
    words = split_words(text)
    tags = [OUTSIDE] * len(words)
    for start, end, label in ordered:
        first = True
        for i, (_, ws, we) in enumerate(words):
            if ws < end and we > start:
                tags[i] = f"{'B' if first else 'I'}-{label}"
                first = False
    return Sentence(
        [w for w, _, _ in words], tags, number, text=text, offsets=[(s, e) for _, s, e in words]
    )


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(value)
    return int(value)


def read_doccano(path: str | os.PathLike[str]) -> list[Sentence]:
    """Sentences of a doccano JSONL export (older ``label`` lists or newer ``entities``)."""
    path = Path(path)
    sentences = []
    for number, record in _jsonl_records(path):
        _check_kind(path, number, record, "doccano")
        spans: list[tuple[int, int, str]] = []
        try:
            if isinstance(record.get("entities"), list):
                for ent in record["entities"]:
                    spans.append(
                        (_int(ent["start_offset"]), _int(ent["end_offset"]), str(ent["label"]))
                    )
            else:
                for span in record.get("label", []):
                    if isinstance(span, dict):
                        spans.append((_int(span["start"]), _int(span["end"]), str(span["label"])))
                    else:
                        start, end, label = span
                        spans.append((_int(start), _int(end), str(label)))
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(
                f"{path}, line {number}: a span is not [start, end, label] "
                "(or start_offset/end_offset/label).",
                hint="Export again from doccano as JSONL.",
            ) from exc
        sentences.append(_spans_to_sentence(path, number, record["text"], spans))
    return sentences


def read_label_studio(path: str | os.PathLike[str]) -> list[Sentence]:
    """Sentences of a Label Studio JSON-MIN export (a JSON array of text + label spans)."""
    path = Path(path)
    try:
        records = json.loads(_sniff_text_all(path))
    except ValueError as exc:
        raise DatasetError(
            f"{path}: not valid JSON ({exc}).", hint="Export again from Label Studio as JSON-MIN."
        ) from exc
    if not isinstance(records, list):
        raise DatasetError(
            f"{path}: expected a JSON array of tasks.",
            hint="Export from Label Studio as JSON-MIN.",
        )
    sentences = []
    for number, record in enumerate(records, start=1):
        if not (isinstance(record, dict) and isinstance(record.get("text"), str)):
            raise DatasetError(
                f'{path}, record {number}: no "text" field (the file mixes formats).',
                hint="Every task needs its text and its label spans.",
            )
        spans = []
        try:
            for span in record.get("label", []) or []:
                labels = span["labels"]
                label = labels[0] if isinstance(labels, list) else labels
                spans.append((_int(span["start"]), _int(span["end"]), str(label)))
        except (KeyError, TypeError, IndexError) as exc:
            raise DatasetError(
                f"{path}, record {number}: a span lacks start, end or labels.",
                hint="Export again from Label Studio as JSON-MIN.",
            ) from exc
        sentences.append(_spans_to_sentence(path, number, record["text"], spans))
    return sentences


_READERS = {
    "conll": read_conll,
    "jsonl-tokens": read_jsonl_tokens,
    "doccano": read_doccano,
    "label-studio": read_label_studio,
}


# ---------------------------------------------------------------------------- tag schemes


def _split_tag(tag: str) -> tuple[str, str]:
    """(prefix, type): ``("", "")`` for O, ``("", "PER")`` for a plain ``PER``."""
    if tag == OUTSIDE:
        return "", ""
    if len(tag) > 2 and tag[1] == "-" and tag[0].upper() in _PREFIXES:
        return tag[0].upper(), tag[2:]
    return "", tag


def detect_scheme(sentences: list[Sentence], source: str = "") -> str:
    """``IOB2``, ``IOB1``, ``BIOES`` (incl. BMES/BILOU) or ``IO``, from the tags used.

    IOB1 is told from IOB2 by how entities start: IOB1 starts them with ``I-`` and uses
    ``B-`` only between two touching entities of one type.
    """
    prefixes: Counter[str] = Counter()
    first_plain: tuple[int, str] | None = None
    first_prefixed: tuple[int, str] | None = None
    for sentence in sentences:
        for tag in sentence.tags:
            prefix, kind = _split_tag(tag)
            if not kind:
                continue
            prefixes[prefix] += 1
            if prefix == "" and first_plain is None:
                first_plain = (sentence.record, tag)
            if prefix and first_prefixed is None:
                first_prefixed = (sentence.record, tag)
    if first_plain and first_prefixed:
        raise DatasetError(
            f"{source}, line/record {first_plain[0]}: the tag {first_plain[1]!r} has no B-/I- "
            f"prefix, but line/record {first_prefixed[0]} uses {first_prefixed[1]!r}: the tags "
            "are in an unknown scheme.",
            hint="Use one scheme throughout: BIO (B-X, I-X, O), BIOES, or plain types with O.",
        )
    if first_plain:
        return "IO"
    if set(prefixes) & {"E", "S", "M", "L", "U"}:
        return "BIOES"
    begins_with_b = begins_with_i = 0
    for sentence in sentences:
        previous = ""
        for tag in sentence.tags:
            prefix, kind = _split_tag(tag)
            if kind and kind != previous:
                if prefix == "B":
                    begins_with_b += 1
                elif prefix == "I":
                    begins_with_i += 1
            previous = kind
    if begins_with_i and not begins_with_b:
        return "IOB1"
    return "IOB2"


def _as_bio(tags: list[str], scheme: str) -> list[str]:
    """Tags mapped onto B/I without repair (so scheme errors stay visible)."""
    out = []
    previous = ""
    for tag in tags:
        prefix, kind = _split_tag(tag)
        if not kind:
            out.append(OUTSIDE)
        elif scheme == "IO" or (scheme == "IOB1" and prefix == "I"):
            out.append(f"{'I' if kind == previous else 'B'}-{kind}")
        elif prefix in ("B", "S", "U"):
            out.append(f"B-{kind}")
        else:  # I, M, E, L
            out.append(f"I-{kind}")
        previous = kind
    return out


def scheme_errors(tags: list[str]) -> list[tuple[int, str]]:
    """Positions where IOB2 tags break the scheme: ``i_after_o`` (an entity starts with I-)
    and ``type_change`` (I-Y right after B-X/I-X)."""
    errors = []
    previous = ""
    for i, tag in enumerate(tags):
        prefix, kind = _split_tag(tag)
        if prefix == "I":
            if not previous:
                errors.append((i, "i_after_o"))
            elif previous != kind:
                errors.append((i, "type_change"))
        previous = kind
    return errors


def repair_iob2(tags: list[str]) -> list[str]:
    """IOB2 with every broken ``I-`` turned into ``B-`` (what seqeval's default mode reads)."""
    bad = {i for i, _ in scheme_errors(tags)}
    return [f"B-{tag[2:]}" if i in bad else tag for i, tag in enumerate(tags)]


def to_iob2(tags: list[str], scheme: str) -> list[str]:
    """Tags of ``scheme`` converted to valid IOB2."""
    return repair_iob2(_as_bio(tags, scheme))


# ---------------------------------------------------------------------------- reading


def read_sentences(
    path: str | os.PathLike[str],
) -> tuple[list[Sentence], list[Sentence], str, str]:
    """Read a file of any supported format: (IOB2 sentences, sentences with tags in their
    original scheme mapped to B/I but not repaired, the scheme, the format)."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(
            f"{path}: no such file.", hint="Choose a CoNLL, JSON Lines or JSON file of entities."
        )
    fmt, score = detect_format(path)
    if fmt == "none" or score < 0.5:
        raise DatasetError(
            f"{path}: not recognised as named-entity data (CoNLL token/tag lines, JSON Lines "
            "of tokens/ner_tags, doccano or Label Studio spans).",
            hint="Check the file's format, or load it as text classification data.",
        )
    raw = _READERS[fmt](path)
    for sentence in raw:
        if not sentence.tokens:
            raise DatasetError(
                f"{path}, line/record {sentence.record}: a sentence with no tokens.",
                hint="Remove the empty record or give it its tokens and tags.",
            )
        if len(sentence.tokens) != len(sentence.tags):
            raise DatasetError(
                f"{path}, line/record {sentence.record}: {len(sentence.tokens)} tokens but "
                f"{len(sentence.tags)} tags.",
                hint="Give every token exactly one tag.",
            )
    if not raw:
        raise DatasetError(f"{path}: no sentences found.", hint="The file is empty.")
    scheme = detect_scheme(raw, str(path))
    mapped = [Sentence(s.tokens, _as_bio(s.tags, scheme), s.record, s.text, s.offsets) for s in raw]
    clean = [Sentence(s.tokens, repair_iob2(s.tags), s.record, s.text, s.offsets) for s in mapped]
    return clean, mapped, scheme, fmt


def tag_list(sentences: list[Sentence]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for every entity type, sorted by type: both tags of each
    type are kept so a type whose entities are all one word still has its ``I-`` tag."""
    kinds = sorted({tag[2:] for s in sentences for tag in s.tags if tag != OUTSIDE})
    return [OUTSIDE] + [f"{p}-{k}" for k in kinds for p in ("B", "I")]


def read_token_data(
    path: str | os.PathLike[str],
    validation: str | os.PathLike[str] | None = None,
    *,
    validation_split: float = 0.1,
    seed: int = 0,
) -> TokenData:
    """Training and validation sentences in IOB2; without a validation file, a seeded
    ``validation_split`` share of sentences is held out (at least one)."""
    train, train_raw, scheme, fmt = read_sentences(path)
    if validation is not None:
        held, _, _, _ = read_sentences(validation)
    else:
        if not 0 < validation_split < 1:
            raise DatasetError(
                f"validation_split is {validation_split}; it must be between 0 and 1.",
                hint="Use e.g. 0.1 to hold out a tenth of the sentences.",
            )
        if len(train) < 2:
            raise DatasetError(
                f"{path}: only {len(train)} sentence; at least two are needed to hold one out "
                "for validation.",
                hint="Add sentences or give a validation file.",
            )
        order = list(range(len(train)))
        random.Random(seed).shuffle(order)
        n_val = max(1, round(len(train) * validation_split))
        chosen = set(order[:n_val])
        held = [s for i, s in enumerate(train) if i in chosen]
        train = [s for i, s in enumerate(train) if i not in chosen]
    return TokenData(
        train=train,
        validation=held,
        tags=tag_list(train + held),
        scheme=scheme,
        source=str(path),
        validation_source=str(validation) if validation is not None else None,
        format=fmt,
        raw=train_raw,
    )


# ---------------------------------------------------------------------------- report


def entity_counts(sentences: list[Sentence]) -> dict[str, int]:
    """Entities per type (an entity starts at each ``B-``)."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        for tag in sentence.tags:
            if tag.startswith("B-"):
                counts[tag[2:]] += 1
    return dict(sorted(counts.items()))


@dataclass
class TokenReport:
    """What the window and the CLI show about named-entity data before training."""

    source: str
    scheme: str
    format: str
    train_sentences: int
    validation_sentences: int
    entity_counts: dict[str, dict[str, int]]
    length_percentiles: dict[str, int]
    max_length: int | None
    long_share: float | None
    scheme_errors: dict[str, dict[str, Any]]
    unseen_in_training: list[str]
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format_text(self) -> str:
        """The report as a person reads it in a terminal (the CLI); the window builds its
        own sentences from the codes."""
        lines = [
            f"Dataset: {self.source} ({self.format}, tags in {self.scheme}, read as IOB2)",
            f"  training sentences {self.train_sentences:,}, "
            f"validation sentences {self.validation_sentences:,}",
            "  entities per type (training / validation):",
        ]
        train, val = self.entity_counts["train"], self.entity_counts["validation"]
        kinds = sorted(set(train) | set(val))
        width = max((len(k) for k in kinds), default=4)
        for kind in kinds:
            lines.append(f"    {kind:<{width}}  {train.get(kind, 0):>7,} / {val.get(kind, 0):,}")
        if self.length_percentiles:
            p = self.length_percentiles
            lines.append(
                f"  sentence length in words: median {p['p50']}, 90th percentile {p['p90']}, "
                f"longest {p['max']}"
            )
        if self.long_share is not None:
            lines.append(
                f"  {self.long_share:.1%} of sentences are longer than {self.max_length} "
                "sub-words (they are split into overlapping windows)"
            )
        names = {"i_after_o": "I- after O", "type_change": "type change inside an entity"}
        for code, entry in self.scheme_errors.items():
            example = entry["examples"][0] if entry["examples"] else None
            where = f" (first at line/record {example['record']})" if example else ""
            lines.append(
                f"  tag-scheme errors, {names.get(code, code)}: {entry['count']:,}{where}; "
                "read as the start of a new entity"
            )
        if self.unseen_in_training:
            lines.append(
                "  validation has entity types never seen in training: "
                + ", ".join(self.unseen_in_training)
            )
        return "\n".join(lines)


def _percentiles(values: list[int]) -> dict[str, int]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = {
        "min": 0.0,
        "p50": 0.5,
        "p90": 0.9,
        "p99": 0.99,
        "max": 1.0,
    }
    return {
        k: ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]
        for k, q in pick.items()
    }


def token_report(
    data: TokenData,
    *,
    tokenizer: Any = None,
    max_length: int | None = None,
) -> TokenReport:
    """The data report. Scheme errors are counted on the training file's tags before repair
    (``data.raw``); the share of sentences longer than ``max_length`` sub-words
    needs the tokenizer (such sentences are split into windows, not cut)."""
    findings: list[Finding] = []
    counts = {"train": entity_counts(data.train), "validation": entity_counts(data.validation)}
    lengths = [len(s.tokens) for s in data.train + data.validation]
    errors: dict[str, dict[str, Any]] = {}
    if data.scheme not in ("IO", "IOB1"):
        for sentence in data.raw:
            for position, code in scheme_errors(sentence.tags):
                entry = errors.setdefault(code, {"count": 0, "examples": []})
                entry["count"] += 1
                if len(entry["examples"]) < MAX_EXAMPLES:
                    lo = max(0, position - 2)
                    entry["examples"].append(
                        {
                            "record": sentence.record,
                            "tokens": sentence.tokens[lo : position + 2],
                            "tags": sentence.tags[lo : position + 2],
                        }
                    )
    for code, entry in errors.items():
        findings.append(
            Finding(f"scheme_{code}", "warning", {"count": entry["count"], "scheme": data.scheme})
        )
    long_share = None
    if tokenizer is not None and max_length:
        sample = data.train + data.validation
        encoded = tokenizer(
            [s.tokens for s in sample], is_split_into_words=True, add_special_tokens=True
        )["input_ids"]
        long = sum(len(ids) > max_length for ids in encoded)
        long_share = long / len(sample) if sample else 0.0
        if long:
            findings.append(
                Finding(
                    "long_sentences",
                    "info",
                    {"count": long, "share": long_share, "max_length": max_length},
                )
            )
    unseen = sorted(set(counts["validation"]) - set(counts["train"]))
    if unseen:
        findings.append(Finding("unseen_validation_types", "warning", {"types": unseen}))
    for kind in sorted(set(counts["train"]) | set(counts["validation"])):
        n = counts["train"].get(kind, 0)
        if 0 < n < 10:
            findings.append(Finding("rare_entity_type", "warning", {"type": kind, "count": n}))
    if not counts["train"]:
        findings.append(Finding("no_entities", "problem", {}))
    return TokenReport(
        source=data.source,
        scheme=data.scheme,
        format=data.format,
        train_sentences=len(data.train),
        validation_sentences=len(data.validation),
        entity_counts=counts,
        length_percentiles=_percentiles(lengths),
        max_length=max_length,
        long_share=long_share,
        scheme_errors=errors,
        unseen_in_training=unseen,
        findings=findings,
    )
