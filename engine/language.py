"""Which language a data set is in, and whether a model's vocabulary can read it.

Strop's starter model knows English word pieces only: fine-tuned on Chinese it sees mostly
``[UNK]`` and learns next to nothing, without any error. Both checks here run offline on a
sample of the texts, so the window can say "this model cannot read your data" before a run.

Language detection is deliberately small: the writing system decides most languages
(Han, kana, Hangul, Cyrillic, ...), and for Latin-script text a few dozen of the most common
words of each language tell English, German, French, Spanish, Italian, Portuguese and Dutch
apart. Codes are ISO 639-1. Anything it cannot tell is reported as English (``en``), the
language the starter model reads, with the evidence share saying how sure it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: (first, last) code points of each script the detector tells apart.
_SCRIPT_RANGES: tuple[tuple[str, int, int], ...] = (
    ("Latin", 0x0041, 0x024F),
    ("Latin", 0x1E00, 0x1EFF),
    ("Greek", 0x0370, 0x03FF),
    ("Greek", 0x1F00, 0x1FFF),
    ("Cyrillic", 0x0400, 0x052F),
    ("Hebrew", 0x0590, 0x05FF),
    ("Arabic", 0x0600, 0x06FF),
    ("Arabic", 0x0750, 0x077F),
    ("Arabic", 0xFB50, 0xFDFF),
    ("Arabic", 0xFE70, 0xFEFF),
    ("Devanagari", 0x0900, 0x097F),
    ("Thai", 0x0E00, 0x0E7F),
    ("Hangul", 0x1100, 0x11FF),
    ("Hangul", 0x3130, 0x318F),
    ("Hangul", 0xAC00, 0xD7AF),
    ("Kana", 0x3040, 0x30FF),
    ("Kana", 0x31F0, 0x31FF),
    ("Kana", 0xFF66, 0xFF9F),
    ("Han", 0x3400, 0x4DBF),
    ("Han", 0x4E00, 0x9FFF),
    ("Han", 0xF900, 0xFAFF),
    ("Han", 0x20000, 0x2FFFF),
)

#: One language per script, where the script alone decides.
_SCRIPT_LANGUAGE = {
    "Han": "zh",
    "Kana": "ja",
    "Hangul": "ko",
    "Cyrillic": "ru",
    "Arabic": "ar",
    "Devanagari": "hi",
    "Thai": "th",
    "Greek": "el",
    "Hebrew": "he",
}

#: Japanese mixes kana into Han text; Chinese text has none, but a stray kana emoticon
#: ("ノ") can occur. Above this share of kana among the CJK characters, the text is Japanese.
KANA_SHARE_FOR_JAPANESE = 0.1


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The most frequent short words of each language (a few overlap; the counts decide).
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is are was were of to in that it with for this not you have but be they "
        "on at from by my i very what would there been has had"
    ),
    "de": _words(
        "der die das und ist nicht ich sie es ein eine mit auf für den dem zu von sich auch "
        "war sehr aber wir noch wie nur einen bei oder wird sind hat"
    ),
    "fr": _words(
        "le la les et est une des du que qui dans pour pas je il ce sur avec au sont mais "
        "très nous vous elle était ont cette"
    ),
    "es": _words(
        "el los las que y es una del por con para no lo se como muy pero su al está fue "
        "más yo también este esta hay"
    ),
    "it": _words(
        "il lo gli che e è di un una per non sono della con mi ma anche questo molto del "
        "nel alla ho ha come più sei"
    ),
    "pt": _words(
        "o os as que e é um uma do da não com para em no na dos das se por muito mas foi "
        "eu está você ao isso"
    ),
    "nl": _words(
        "de het een en van ik is niet dat die op te zijn met voor er maar ook je wat nog "
        "zo heb hij was naar dit wel heel geen"
    ),
}

#: Languages written without spaces between words: vocabulary fit counts per character.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th"})

#: How much of the data the checks read: enough to be stable, quick on a slow computer.
SAMPLE_TEXTS = 1000
SAMPLE_CHARS = 200_000

#: Above this share of ``[UNK]`` tokens, fine-tuning learns from too little of the text.
MAX_UNKNOWN_SHARE = 0.20
#: A byte-level tokenizer never says ``[UNK]``; it splits unfamiliar text into byte pieces.
#: Beyond this many pieces per word it reads the text as bytes rather than words, and the
#: model has seen too little of it to be useful. For unspaced languages it is per character,
#: and lower: a Han character is 3 UTF-8 bytes, so a byte-level vocabulary that never saw
#: Chinese gives about 3 pieces per character, one that knows it about 1.
MAX_BYTE_PIECES_PER_WORD = 3.0
MAX_BYTE_PIECES_PER_CHAR = 1.5

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language and the evidence it rests on.

    ``share`` is the share of the letters written in ``script``; for Latin-script
    languages ``word_share`` is the share of the matched common words that belong to
    ``code`` (0 when no common word matched and ``code`` is the English default).
    """

    code: str
    script: str
    share: float
    word_share: float
    letters: int
    basis: str  # "script" | "common words" | "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "script": self.script,
            "share": round(self.share, 4),
            "word_share": round(self.word_share, 4),
            "letters": self.letters,
            "basis": self.basis,
        }


def _script(char: str) -> str | None:
    cp = ord(char)
    if cp < 0x41:
        return None
    for name, first, last in _SCRIPT_RANGES:
        if first <= cp <= last:
            return name if char.isalpha() else None
    return None


def _sample(texts: Iterable[Any]) -> list[str]:
    out: list[str] = []
    chars = 0
    for text in texts:
        if isinstance(text, (list, tuple)):  # pre-split words (token classification data)
            text = " ".join(w for w in text if isinstance(w, str))
        if not isinstance(text, str) or not text.strip():
            continue
        out.append(text)
        chars += len(text)
        if len(out) >= SAMPLE_TEXTS or chars >= SAMPLE_CHARS:
            break
    return out


def guess_language(texts: Iterable[Any]) -> LanguageGuess:
    """The language of ``texts`` (a sample of the first ones), with its evidence.

    A text may also be a list of words, as token-classification data holds them.
    """
    sample = _sample(texts)
    scripts: Counter[str] = Counter()
    for text in sample:
        for char in text:
            name = _script(char)
            if name:
                scripts[name] += 1
    letters = sum(scripts.values())
    if not letters:
        return LanguageGuess("en", "none", 0.0, 0.0, 0, "default")
    cjk = scripts["Han"] + scripts["Kana"]
    top, top_count = scripts.most_common(1)[0]
    if top in ("Han", "Kana") or cjk > top_count:
        japanese = scripts["Kana"] >= KANA_SHARE_FOR_JAPANESE * cjk
        code = "ja" if japanese else "zh"
        return LanguageGuess(
            code, "Han+Kana" if japanese else "Han", cjk / letters, 0.0, letters, "script"
        )
    if top != "Latin":
        return LanguageGuess(
            _SCRIPT_LANGUAGE[top], top, top_count / letters, 0.0, letters, "script"
        )
    hits: Counter[str] = Counter()
    for text in sample:
        for word in _WORD.findall(text.lower()):
            for code, words in STOP_WORDS.items():
                if word in words:
                    hits[code] += 1
    share = top_count / letters
    if not hits:
        return LanguageGuess("en", "Latin", share, 0.0, letters, "default")
    # Ties go to the order of STOP_WORDS (English first), which most_common keeps.
    code, count = hits.most_common(1)[0]
    return LanguageGuess(code, "Latin", share, count / sum(hits.values()), letters, "common words")


def detect_language(texts: Iterable[Any]) -> str:
    """The ISO 639-1 code of the language of ``texts`` (``en`` when it cannot tell)."""
    return guess_language(texts).code


# ----- vocabulary fit ---------------------------------------------------------------------
@dataclass(frozen=True)
class VocabFit:
    """How well a tokenizer reads a sample of texts.

    ``unknown_share`` counts ``[UNK]`` among the tokens of the texts (special tokens such
    as ``[CLS]`` that the tokenizer adds are not counted). ``tokens_per_char`` is per
    non-space character, ``tokens_per_word`` per whitespace-separated word.
    """

    language: str
    texts: int
    tokens: int
    unknown_share: float
    tokens_per_char: float
    tokens_per_word: float
    byte_level: bool
    fits: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "texts": self.texts,
            "tokens": self.tokens,
            "unknown_share": round(self.unknown_share, 4),
            "tokens_per_char": round(self.tokens_per_char, 4),
            "tokens_per_word": round(self.tokens_per_word, 4),
            "byte_level": self.byte_level,
            "fits": self.fits,
            "reason": self.reason,
        }


def _has_byte_level(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("type") == "ByteLevel":
            return True
        return any(_has_byte_level(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_byte_level(v) for v in node)
    return False


def is_byte_level(tokenizer: Any) -> bool:
    """True for GPT-2/RoBERTa-style tokenizers (ByteLevel pre-tokenizer) or any with no
    unknown token: they never emit ``[UNK]``, so the unknown share says nothing about them."""
    if getattr(tokenizer, "unk_token_id", None) is None:
        return True
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return False
    import json

    try:
        spec = json.loads(backend.to_str())
    except Exception:  # noqa: BLE001 - a backend that cannot describe itself
        return False
    return _has_byte_level(spec.get("pre_tokenizer")) or _has_byte_level(spec.get("decoder"))


def vocabulary_fit(
    tokenizer: Any, texts: Sequence[Any] | Iterable[Any], *, language: str | None = None
) -> VocabFit:
    """Tokenize a sample of ``texts`` and say whether the model's vocabulary fits them.

    ``language`` (ISO 639-1) is detected from the texts when not given; it decides whether
    pieces are counted per word or, for languages written without spaces, per character.
    """
    sample = _sample(texts)
    language = language or detect_language(sample)
    byte_level = is_byte_level(tokenizer)
    if not sample:
        return VocabFit(language, 0, 0, 0.0, 0.0, 0.0, byte_level, True, "No text to check.")
    # verbose=False: no "longer than the maximum length" warning; nothing is fed to a model.
    ids = tokenizer(sample, add_special_tokens=False, verbose=False)["input_ids"]
    unk = getattr(tokenizer, "unk_token_id", None)
    special = set(getattr(tokenizer, "all_special_ids", []) or []) - {unk}
    tokens = unknown = 0
    for row in ids:
        for token in row:
            if token in special:
                continue
            tokens += 1
            unknown += token == unk
    chars = sum(len("".join(text.split())) for text in sample)
    words = sum(len(text.split()) for text in sample)
    unknown_share = unknown / tokens if tokens else 0.0
    per_char = tokens / chars if chars else 0.0
    per_word = tokens / words if words else 0.0
    unspaced = language in UNSPACED_LANGUAGES
    pieces, limit, unit = (
        (per_char, MAX_BYTE_PIECES_PER_CHAR, "character")
        if unspaced
        else (per_word, MAX_BYTE_PIECES_PER_WORD, "word")
    )
    if not byte_level and unknown_share > MAX_UNKNOWN_SHARE:
        fits = False
        reason = (
            f"{unknown_share:.0%} of the tokens are unknown ([UNK]): this model's vocabulary "
            f"does not cover {language!r} text, so it would learn from too little of it."
        )
    elif byte_level and pieces > limit:
        fits = False
        reason = (
            f"The byte-level tokenizer splits each {unit} into {pieces:.1f} pieces: the model "
            f"has seen little {language!r} text."
        )
    else:
        fits = True
        reason = (
            f"{unknown_share:.1%} unknown tokens, {pieces:.2f} tokens per {unit}: the vocabulary "
            f"covers this text."
        )
    return VocabFit(
        language, len(sample), tokens, unknown_share, per_char, per_word, byte_level, fits, reason
    )
