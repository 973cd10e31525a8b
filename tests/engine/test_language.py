"""Language detection and vocabulary fit: real-language samples, the real starter tokenizer."""

from __future__ import annotations

import csv
from itertools import islice

import pytest

from engine.language import detect_language, guess_language, is_byte_level, vocabulary_fit
from tests.conftest import shared_dataset

SAMPLES = {
    "en": ["The food was great and the service is very friendly.", "I would not go there again."],
    "zh": ["很快，好吃，味道足，量大", "送餐太慢了，菜都凉了，不会再点了"],
    "ja": ["この店のラーメンはとても美味しかったです。", "配達が遅くて、料理が冷めていました。"],
    "de": ["Das Essen war sehr gut und der Service ist freundlich.", "Ich war nicht zufrieden mit der Lieferung."],
    "ru": ["Еда была очень вкусной, и обслуживание отличное.", "Доставка опоздала на час."],
    "fr": ["Le repas était très bon et le service est rapide.", "Je ne suis pas content de la livraison."],
    "es": ["La comida fue muy buena y el servicio es rápido.", "No estoy contento con el pedido."],
    "nl": ["Het eten was heel lekker en de bediening is vriendelijk.", "Ik ben niet tevreden met de levering."],
    "it": ["Il cibo era molto buono e il servizio è veloce.", "Non sono contento della consegna."],
    "pt": ["A comida foi muito boa e o serviço é rápido.", "Não estou contente com a entrega."],
    "hi": ["यह खाना बहुत अच्छा था", "डिलीवरी बहुत देर से आई"],
    "th": ["อาหารอร่อยมาก", "ส่งช้ามาก"],
    "ko": ["음식이 정말 맛있었어요.", "배달이 너무 늦었어요."],
    "ar": ["الطعام كان رائعا والخدمة ممتازة", "التوصيل كان بطيئا جدا"],
    "el": ["Το φαγητό ήταν πολύ νόστιμο.", "Η παράδοση άργησε πολύ."],
    "he": ["האוכל היה טעים מאוד.", "המשלוח איחר בשעה."],
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_language_of_short_samples(code: str) -> None:
    assert detect_language(SAMPLES[code]) == code


def test_guess_reports_the_share_it_rests_on() -> None:
    guess = guess_language(SAMPLES["zh"] + ["OK 2 hao"])  # a little Latin in Chinese data
    assert (guess.code, guess.script, guess.basis) == ("zh", "Han", "script")
    assert 0.7 < guess.share < 1.0
    german = guess_language(SAMPLES["de"])
    assert german.basis == "common words" and german.word_share > 0.5


def test_stray_kana_in_chinese_stays_chinese() -> None:
    texts = ["好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃 ノ"] * 5
    assert detect_language(texts) == "zh"


def test_no_letters_defaults_to_english() -> None:
    guess = guess_language(["123 456", "", None, "!!!"])
    assert (guess.code, guess.basis, guess.letters) == ("en", "default", 0)


def test_real_chinese_data_is_chinese() -> None:
    path = shared_dataset("waimai_10k/all.csv")
    with path.open(encoding="utf-8") as f:
        texts = [row["text"] for row in islice(csv.DictReader(f), 300)]
    assert detect_language(texts) == "zh"


def test_pre_split_words_as_token_classification_data_has_them() -> None:
    import json

    path = shared_dataset("resume_ner_zh/train.jsonl")
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line)["tokens"] for line in islice(f, 100)]
    assert detect_language(rows) == "zh"
    assert detect_language([["Der", "Hund", "ist", "nicht", "hier"]]) == "de"


@pytest.fixture(scope="module")
def starter_tokenizer():
    from transformers import AutoTokenizer

    from engine.models import starter_model_path

    return AutoTokenizer.from_pretrained(str(starter_model_path()), local_files_only=True)


@pytest.mark.slow
def test_starter_vocabulary_fits_english_not_chinese(starter_tokenizer) -> None:
    path = shared_dataset("waimai_10k/all.csv")
    with path.open(encoding="utf-8") as f:
        chinese = [row["text"] for row in islice(csv.DictReader(f), 300)]
    english = SAMPLES["en"] * 20
    en_fit = vocabulary_fit(starter_tokenizer, english)
    zh_fit = vocabulary_fit(starter_tokenizer, chinese)
    assert not en_fit.byte_level and not zh_fit.byte_level
    assert en_fit.fits and en_fit.unknown_share == 0.0 and en_fit.language == "en"
    assert 1.0 <= en_fit.tokens_per_word < 1.5
    assert zh_fit.language == "zh" and not zh_fit.fits
    assert zh_fit.unknown_share > 0.5, zh_fit  # measured 0.68 on waimai_10k
    assert "unknown" in zh_fit.reason


def _byte_level_tokenizer(corpus: list[str]):
    """A small GPT-2-style byte-level BPE tokenizer trained on English only."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok)


def test_byte_level_tokenizer_judged_by_pieces_not_unknowns() -> None:
    english = SAMPLES["en"] * 50
    tok = _byte_level_tokenizer(english)
    assert is_byte_level(tok)
    en_fit = vocabulary_fit(tok, english)
    assert en_fit.unknown_share == 0.0 and en_fit.fits, en_fit
    zh_fit = vocabulary_fit(tok, SAMPLES["zh"])
    assert zh_fit.unknown_share == 0.0  # byte-level: never [UNK] ...
    assert zh_fit.tokens_per_char > 2.5 and not zh_fit.fits  # ... but ~3 bytes per character
    assert "byte-level" in zh_fit.reason
    ru_fit = vocabulary_fit(tok, SAMPLES["ru"])
    assert ru_fit.tokens_per_word > 3 and not ru_fit.fits


def test_tiny_word_vocabulary_has_unknowns() -> None:
    from transformers import BertTokenizer

    from tests.conftest import WORDS

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    tok = BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True)
    fit = vocabulary_fit(tok, ["the movie was great", "zebra quantum xylophone"], language="en")
    assert not is_byte_level(tok)
    assert fit.tokens == 7 and fit.unknown_share == pytest.approx(3 / 7)
    assert not fit.fits


def test_empty_sample() -> None:
    fit = vocabulary_fit(object(), [], language="en")
    assert fit.fits and fit.tokens == 0
