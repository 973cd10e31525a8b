"""Token classification: a tag per word, for named entities (``AutoModelForTokenClassification``).

The task assembles the token modules: reading and checking the files people label entities
in (``engine.token_data``), sub-word alignment in overlapping windows
(``engine.token_align``), entity-level metrics with seqeval (``engine.token_metrics``) and
prediction with character offsets (``engine.token_predict``). Tags are IOB2 throughout, which
is what transformers' ``pipeline("token-classification", aggregation_strategy="simple")``
understands, so an exported model works there as is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.tasks import register
from engine.tasks.base import Task, TaskData

log = logging.getLogger(__name__)

#: Sentences whose sub-word lengths suggest the max length (a seeded sample: fast on big files).
_LENGTH_SAMPLE = 2000
#: Learning rates for named-entity runs left to "auto", per strategy. Short runs need a
#: larger step than transformers' recipe (5e-5, batch 8, 3 epochs): on 1,500 WNUT 2017
#: sentences (bench/token_recipe.py, bench/RESULTS.md section 9) 3e-4 at batch 16 beat 2e-4
#: on dev F1 for full fine-tuning (0.436 vs 0.398 after 2 epochs) and gave the top four layers
#: the recipe's test F1 within 0.9-3.6 points; 1e-4 at batch 32 learnt no entity at all in
#: 3 epochs on 600 sentences (an earlier measurement).
TOKEN_LEARNING_RATES = {"full": 3e-4, "top-layers": 3e-4, "head": 1e-3}
#: With the automatic learning rate, the new tagging head learns this many times faster than
#: the trained layers: under the default top-layers:4, 10x raised WNUT test F1 from 0.382 /
#: 0.376 to 0.414 / 0.410 (seeds 42 / 7; dev 0.473 -> 0.553) at the same CPU time
#: (bench/RESULTS.md section 9). Not measured for ``full``, which keeps one rate.
TOKEN_HEAD_LEARNING_RATE_FACTORS = {"full": 1.0, "top-layers": 10.0, "head": 1.0}
#: Settings a named-entity run starts from (``Task.defaults``), with the head at 10x
#: (``TOKEN_HEAD_LEARNING_RATE_FACTORS``): 0.45 of the CPU time of transformers' recipe (3
#: epochs of batch 8, every weight trained) and 2.9 points over its test F1, means of three
#: seeds each (Strop 0.414 / 0.410 / 0.424, the recipe 0.391 / 0.382 / 0.389 on seeds 42 / 7 /
#: 11). Measured on 1,500 WNUT 2017 training sentences, tested on its 1,287 test sentences,
#: fp32, one thread (CPU seconds; the recipe: 287-304 s, bench/RESULTS.md section 9). The
#: table below is before the head's factor (1x):
#:
#: ===================================  ======  =========  =======  =======
#: batch, epochs, lr, strategy          CPU s   vs recipe  dev F1   test F1
#: ===================================  ======  =========  =======  =======
#: 32, 2, 3e-4, full                    135     0.47       0.300    0.236
#: 16, 2, 2e-4, full                    135     0.47       0.398    0.357
#: 16, 2, 3e-4, full                    138     0.48       0.436    0.358
#: 8, 1.5, 1e-4, full                   122     0.42       0.404    0.316
#: 16, 2.5, 3e-4, top-layers:4          126     0.43       0.473    0.382
#: the same, seed 7                     124     0.43       0.453    0.376
#: the same, seed 11                    132     0.46       0.433    0.355
#: 16, 2.75, 3e-4, top-layers:4         143     0.50       0.463    0.389
#: ===================================  ======  =========  =======  =======
#:
#: Why: a length-grouped batch costs about 0.6 of the recipe's randomly padded batch of 8 per
#: sentence, whatever its size from 16 up (batch 8 adds 20% of optimizer overhead), so the
#: number of sentence passes sets the time (five epochs of batch 32, the former default, took
#: 0.91 of its wall time on 600 sentences). Batch 16 gives twice the updates of 32 for the same time. Freezing the
#: embeddings and the bottom layers (the starter has six) skips their backward pass, which
#: buys half an epoch more, and on WNUT's rare, novel entity words it also generalises
#: better. 2.75 epochs came within 0.2 points but at 0.50 of the time, no margin left for
#: the load's noise (the same run took 124-132 s). Models with fewer layers than named train
#: them all (``apply_strategy``).
#: (The learning rate is left to "auto": ``resolve_defaults`` picks it for the strategy.)
TOKEN_DEFAULTS: dict[str, Any] = {"batch_size": 16, "epochs": 2.5, "strategy": "top-layers:4"}


@dataclass
class TokenExtra:
    """The task's own form of the data, kept in ``TaskData.extra``: the sentences, and the
    encoded validation windows with their word ids (set by ``encode``), which
    ``final_metrics`` needs to merge per-window predictions back into sentences."""

    tokens: Any  # engine.token_data.TokenData
    validation_windows: Any = None
    #: The run's batch size and seed: Trainer's length-grouped evaluation sampler shuffles
    #: the validation windows with them (see ``window_order``).
    batch_size: int = 32
    seed: int = 42
    grouped: bool = True


class TokenClassification(Task):
    name = "token-classification"
    title = "Token classification (named entities)"
    main_metric = "entity_f1"
    metrics_shown = ("entity_f1", "entity_precision", "entity_recall")
    auto_model = "AutoModelForTokenClassification"
    architecture_suffixes = ("ForTokenClassification",)
    has_lengths = True  # encode adds a "length" column: length-grouped batches pad less

    # ----- settings ----------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """Batch 16, 2.5 epochs, the top four layers: half the CPU time of transformers'
        recipe at its entity F1 (see ``TOKEN_DEFAULTS``)."""
        return dict(TOKEN_DEFAULTS)

    def apply_strategy(self, model: Any, strategy: Any) -> tuple[int, int]:
        """As for every task, except that ``top-layers:N`` on a model of N layers or fewer
        trains all of them (the embeddings stay frozen) instead of failing: the default names
        four layers, and a smaller model given without a strategy must still train."""
        from engine.models import apply_strategy, encoder_layers

        if strategy.kind == "top-layers":
            depth = len(encoder_layers(model))
            if strategy.layers > depth:
                log.info(
                    "top-layers:%d on a %d-layer model trains all %d", strategy.layers, depth, depth
                )
                strategy = replace(strategy, layers=depth)
        return apply_strategy(model, strategy)

    def resolve_defaults(self, config: Any) -> Any:
        """A learning rate for token runs when it is left to "auto" (see
        ``TOKEN_LEARNING_RATES``), and with it the head's factor unless given
        (``TOKEN_HEAD_LEARNING_RATE_FACTORS``); every other setting is the person's or the
        shared default."""
        if config.learning_rate is None:
            kind = config.parsed_strategy.kind
            changes: dict[str, Any] = {"learning_rate": TOKEN_LEARNING_RATES[kind]}
            if config.head_learning_rate_factor is None:
                changes["head_learning_rate_factor"] = TOKEN_HEAD_LEARNING_RATE_FACTORS[kind]
            return config.replace(**changes)
        return config

    # ----- data --------------------------------------------------------------------------
    def detect(self, path: Path) -> float:
        """By content: CoNLL lines score high whatever the extension (a ``.txt`` of token/tag
        lines beats text classification's 0.4), JSONL of tokens or doccano spans score 1, a
        CSV or a JSONL of text/label records 0."""
        from engine.token_data import detect_token_data

        if not path.is_file():
            return 0.0
        try:
            return float(detect_token_data(path))
        except (OSError, ValueError, UnicodeError):
            return 0.0

    def load_data(self, config: Any) -> TaskData:
        from engine.data import LabelMap
        from engine.token_data import read_token_data

        tokens = read_token_data(
            config.data,
            config.validation,
            validation_split=config.validation_split,
            seed=config.seed,
        )
        return TaskData(
            train=tokens.train,
            validation=tokens.validation,
            labels=LabelMap(tuple(tokens.tags)),  # O first, then B-/I- per type
            source=tokens.source,
            validation_source=tokens.validation_source,
            columns={"format": tokens.format, "scheme": tokens.scheme},
            num_train=len(tokens.train),
            num_validation=len(tokens.validation),
            extra=TokenExtra(tokens),
        )

    # ----- model -------------------------------------------------------------------------
    def load_processor(self, source: Any, config: Any) -> Any:
        from engine.models import load_tokenizer
        from engine.token_align import require_fast

        tokenizer = load_tokenizer(source, trust_remote_code=config.trust_remote_code)
        require_fast(tokenizer)  # word ids, for alignment, come only from fast tokenizers
        # final_metrics reads predictions by position from the start of each window
        tokenizer.padding_side = "right"
        return tokenizer

    def report(self, data: TaskData, processor: Any, config: Any, info: Any) -> Any:
        from engine.models import model_max_length
        from engine.token_data import token_report

        limit = model_max_length(processor, info)
        if config.max_length:
            max_length = min(int(config.max_length), limit)
        else:
            max_length = suggest_token_max_length(data.extra.tokens.train, processor, limit)
        return token_report(data.extra.tokens, tokenizer=processor, max_length=max_length)

    def encode(self, data: TaskData, processor: Any, config: Any) -> tuple[Any, Any]:
        from engine.data import sorted_by_length
        from engine.token_align import DEFAULT_STRIDE, encode

        max_length = config.max_length or 128
        stride = int(config.extra.get("stride", DEFAULT_STRIDE))
        every = bool(config.extra.get("label_all_subtokens", False))
        label2id = data.labels.label2id
        train = encode(
            data.train, processor, label2id, max_length, stride=stride, label_all_subtokens=every
        )
        val = encode(
            data.validation, processor, label2id, max_length,
            stride=stride, label_all_subtokens=every, with_words=True,
        )  # fmt: skip
        train = train.add_column("length", [len(ids) for ids in train["input_ids"]])
        val = val.add_column("length", [len(ids) for ids in val["input_ids"]])
        # Validation sorted by length: evaluation batches of about one length carry little
        # padding; its "sentence"/"word_ids" columns map predictions back (final_metrics).
        val = sorted_by_length(val)
        data.extra = replace(
            data.extra,
            validation_windows=val,
            batch_size=config.batch_size,
            seed=config.seed,
            grouped=bool(config.group_by_length),
        )
        return train, val

    def build_model(self, source: Any, labels: Any, config: Any) -> Any:
        from transformers import AutoModelForTokenClassification

        from engine.models import quiet_transformers, weights_error

        quiet_transformers()
        try:
            return AutoModelForTokenClassification.from_pretrained(
                str(source.path),
                num_labels=len(labels),
                id2label=labels.id2label,
                label2id=labels.label2id,
                local_files_only=True,
                use_safetensors=None if config.allow_pickle else True,
                trust_remote_code=config.trust_remote_code,
                ignore_mismatched_sizes=True,
            )
        except Exception as exc:  # noqa: BLE001
            raise weights_error(source.path, exc) from None

    def collator(self, processor: Any, device: str) -> Any:
        from transformers import DataCollatorForTokenClassification

        return DataCollatorForTokenClassification(
            processor, pad_to_multiple_of=8 if device == "cuda" else None
        )

    # ----- metrics -----------------------------------------------------------------------
    def eval_metrics(self, labels: Any) -> Callable[[Any], dict[str, float]]:
        from engine.token_metrics import compute_metrics

        return compute_metrics(labels.id2label)

    def final_metrics(self, output: Any, data: TaskData) -> dict[str, Any]:
        """Scores per sentence, not per window: each word takes the prediction of the window
        where it sits farthest from the edge, and is compared with its gold tag."""
        from engine.token_align import merge_windows
        from engine.token_metrics import confusion_table, entity_scores, tags_from_ids

        extra = data.extra
        windows = extra.validation_windows
        sentences = extra.tokens.validation
        id2label = data.labels.id2label
        predictions = output.predictions
        predictions = predictions[0] if isinstance(predictions, tuple) else predictions
        order = window_order(output.label_ids, windows, extra) if windows is not None else None
        if order is not None:
            rows = windows.select(order)
            merged = merge_windows(
                predictions, rows["sentence"], rows["word_ids"], [len(s.tokens) for s in sentences]
            )
            gold = [list(s.tags) for s in sentences]
            pred = [[id2label.get(i, "O") if i >= 0 else "O" for i in row] for row in merged]
            scored_on, count = "sentences", len(sentences)
        else:  # an evaluation order we cannot follow: score the windows as Trainer gave them
            gold, pred = tags_from_ids(predictions, output.label_ids, id2label)
            scored_on, count = "windows", len(gold)
        metrics = entity_scores(gold, pred)
        table = confusion_table(gold, pred)
        types = sorted({t[2:] for t in data.labels.labels if t != "O"} | set(metrics["per_type"]))
        metrics.update(
            {
                "num_examples": count,
                "scored_on": scored_on,
                "labels": types,
                # the generic results view reads per_class and a square confusion_matrix
                "per_class": metrics["per_type"],
                "confusion_table": table,
                "confusion_matrix": [[table.get(g, {}).get(p, 0) for p in types] for g in types],
            }
        )
        return metrics

    # ----- saved model -------------------------------------------------------------------
    def model_meta(self, data: TaskData, config: Any) -> dict[str, Any]:
        from engine.token_align import DEFAULT_STRIDE

        return {
            "max_length": config.max_length,
            "stride": int(config.extra.get("stride", DEFAULT_STRIDE)),
            "label_all_subtokens": bool(config.extra.get("label_all_subtokens", False)),
            "format": data.columns.get("format"),
            "scheme": data.columns.get("scheme"),
        }

    def load_predictor(self, model_dir: Path, **options: Any) -> Any:
        from engine.token_predict import TokenPredictor

        keep = ("device", "allow_pickle", "trust_remote_code", "max_length", "stride")
        return TokenPredictor(model_dir, **{k: v for k, v in options.items() if k in keep})

    def evaluate(self, model_dir: Path, data: str, **options: Any) -> dict[str, Any]:
        from engine.token_predict import evaluate

        keep = ("device", "allow_pickle", "trust_remote_code")
        scores = evaluate(model_dir, data, **{k: v for k, v in options.items() if k in keep})
        order = ("entity_f1", "entity_precision", "entity_recall", "macro_f1", "accuracy")
        return {**{k: scores[k] for k in order}, **scores}

    # ----- export ------------------------------------------------------------------------
    predict_script = "predict_token_classification.py"

    def export_onnx(self, model_dir: Path, out: Path, run: Any) -> Any:
        from engine.onnx_export import export_saved_text_model

        texts = [*PROBE_TEXTS, *validation_texts(run)]
        example = ["John lives in New York .", "A short one ."]
        return export_saved_text_model(model_dir, out, self.auto_model, texts, example=example)

    def card_sections(self, run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
        return _card_sections(run, labels, onnx)


def window_order(label_ids: Any, windows: Any, extra: TokenExtra) -> list[int] | None:
    """Which validation window each row of ``Trainer.predict``'s output is, or ``None``.

    Trainer evaluates in dataset order, except that with length-grouped training it also
    groups the evaluation set, in an order drawn from the batch size and the seed. Both
    orders are tried, and one is taken only if every row's gold labels match the window's
    exactly, so a wrong guess can never mis-score a sentence.
    """
    import numpy as np

    gold = np.asarray(label_ids)
    labels = windows["labels"]
    if gold.ndim != 2 or len(gold) != len(labels):
        return None

    def fits(order: list[int]) -> bool:
        for row, index in enumerate(order):
            want = labels[index]
            if len(want) > gold.shape[1] or list(gold[row, : len(want)]) != want:
                return False
            if (gold[row, len(want) :] != -100).any():
                return False
        return True

    def grouped_orders() -> Any:
        import torch
        from transformers.trainer_pt_utils import get_length_grouped_indices

        lengths = windows["length"]
        for batch_size in dict.fromkeys((max(extra.batch_size, 64), extra.batch_size)):
            generator = torch.Generator().manual_seed(extra.seed)
            yield [
                int(i) for i in get_length_grouped_indices(lengths, batch_size, generator=generator)
            ]

    identity = [list(range(len(labels)))]
    # the order the run's settings lead to first: a tiny set may fit both
    candidates = [grouped_orders(), identity] if extra.grouped else [identity, grouped_orders()]
    for orders in candidates:
        for order in orders:
            if fits(order):
                return order
    return None


def suggest_token_max_length(sentences: list[Any], tokenizer: Any, model_max: int) -> int:
    """A max length in sub-words that holds about 95% of the sentences whole (longer ones are
    split into overlapping windows, never cut), like text classification's suggestion."""
    import random

    from engine.report import suggest_max_length

    sample = list(sentences)
    if len(sample) > _LENGTH_SAMPLE:
        sample = random.Random(0).sample(sample, _LENGTH_SAMPLE)
    if not sample:
        return min(128, model_max)
    ids = tokenizer([s.tokens for s in sample], is_split_into_words=True)["input_ids"]
    lengths = sorted(len(row) for row in ids)

    def pct(q: float) -> int:
        return lengths[min(len(lengths) - 1, int(q * (len(lengths) - 1) + 0.5))]

    return suggest_max_length(pct(0.95), pct(0.99), model_max)


# Texts the ONNX check always runs besides up to 32 validation sentences: short, long,
# non-ASCII and empty, in batches, so padding and truncation are exercised.
PROBE_TEXTS = (
    "",
    "ok",
    "John Smith flew from Paris to New York on Monday with Acme Corp.",
    "Angela Merkel met Emmanuel Macron in Berlin .",
    "Qualité médiocre à Lyon, dit Marie.",
    "高勇，男，中国国籍。",
    "Apple and Microsoft in Seattle " * 30,
)


def validation_texts(run: Any, limit: int = 32) -> list[str]:
    """Up to ``limit`` sentences of the run's validation (else training) file, words joined
    by spaces, when the file is still there."""
    data = run.config.get("validation") or run.config.get("data")
    if not data or not Path(str(data)).is_file():
        return []
    try:
        from engine.token_data import read_sentences

        sentences, _, _, _ = read_sentences(str(data))
    except Exception:  # noqa: BLE001 - the probe texts alone still check the export
        return []
    return [s.text or " ".join(s.tokens) for s in sentences[:limit]]


def _card_sections(run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
    """The model card's token-classification parts."""
    from datetime import datetime

    from engine.export import (
        base_model_name,
        cell,
        data_name,
        num,
        onnx_tokenizer_usage,
        validation_origin,
    )
    from engine.onnx_export import ONNX_FILE

    metrics, report = run.metrics, run.report
    base, hub = base_model_name(run)
    name = data_name(run)
    when = datetime.fromtimestamp(
        float(run.status.get("ended") or run.status.get("updated") or run.path.stat().st_mtime)
    ).strftime("%Y-%m-%d")
    types = sorted({t[2:] for t in labels if t[:2] in ("B-", "I-")})
    shown = ", ".join(f"`{t}`" for t in types[:20]) + (", ..." if len(types) > 20 else "")
    summary = (
        f"Finds named entities of {len(types)} types ({shown}) in text. Fine-tuned from "
        f"**{base}**"
        + (f" (`{hub}`)" if hub and hub not in base else "")
        + f" on `{name}` with Strop on {when}. Tags are IOB2 (`B-TYPE`, `I-TYPE`, `O`)."
    )
    usage = [
        "```bash",
        'python predict.py "Angela Merkel visited Paris."',
        "```",
        "",
        'prints one JSON line per text: `{"text", "entities": [{"text", "label", "start", '
        '"end", "score"}]}`, with character offsets into the text. In Python (needs '
        "`transformers` and `torch`):",
        "",
        "```python",
        "from transformers import pipeline",
        "",
        "tag = pipeline(",
        '    "token-classification", model="path/to/this/folder", aggregation_strategy="simple"',
        ")",
        'print(tag("Angela Merkel visited Paris."))',
        "```",
    ]
    if onnx.path is not None:
        usage += [
            "",
            f"`{ONNX_FILE}` is the same tagger for ONNX Runtime (no PyTorch needed); it takes "
            "the tokenizer's outputs and returns `logits` per sub-word (apply a softmax over "
            "the last axis for probabilities; a word takes its first sub-word's tag):",
            "",
            *onnx_tokenizer_usage(
                'tokenizer(["Angela Merkel visited Paris."], return_tensors="np")'
            ),
        ]
    data: list[str] = []
    if report:
        held = validation_origin(report, "a seeded share held out from the same file")
        data.append(
            f"`{name}` ({report.get('format', '?')}, tags in {report.get('scheme', '?')}, read "
            f"as IOB2): {report.get('train_sentences', 0):,} training sentences and "
            f"{report.get('validation_sentences', 0):,} validation sentences {held}."
        )
        counts = report.get("entity_counts") or {}
        train_counts, val_counts = counts.get("train") or {}, counts.get("validation") or {}
        data += ["", "| entity type | training entities | validation entities |", "|---|---:|---:|"]
        for kind in sorted(set(train_counts) | set(val_counts) | set(types)):
            data.append(
                f"| {cell(kind)} | {train_counts.get(kind, 0):,} | {val_counts.get(kind, 0):,} |"
            )
        p = report.get("length_percentiles") or {}
        if p:
            long = report.get("long_share")
            split = (
                f" ({long:.1%} of sentences are longer and run in overlapping windows)"
                if long
                else ""
            )
            data += [
                "",
                f"Words per sentence: median {p.get('p50', '?')}, 90th percentile "
                f"{p.get('p90', '?')}, longest {p.get('max', '?')}. Window length "
                f"{report.get('max_length', '?')} sub-words{split}.",
            ]
    else:
        data.append(f"`{name}` (the run has no dataset report).")
    evaluation: list[str] = []
    if metrics:
        evaluation += [
            f"On {metrics.get('num_examples', 0):,} validation sentences, entity-level scores "
            "(seqeval's default mode, as transformers' token-classification example):",
            "",
            "| micro F1 | micro precision | micro recall | macro F1 | token accuracy |",
            "|---:|---:|---:|---:|---:|",
            f"| {num(metrics.get('entity_f1'))} | {num(metrics.get('entity_precision'))} | "
            f"{num(metrics.get('entity_recall'))} | {num(metrics.get('macro_f1'))} | "
            f"{num(metrics.get('accuracy'))} |",
            "",
            "| entity type | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, row in (metrics.get("per_type") or {}).items():
            evaluation.append(
                f"| {cell(kind)} | {num(row.get('precision'))} | {num(row.get('recall'))} | "
                f"{num(row.get('f1'))} | {row.get('support', '-')} |"
            )
    limits = [
        f"Intended for finding the entity types above in text like `{name}`. Types it was "
        "not trained on are never found, and entities written differently from the training "
        "data (other spellings, casing, domains) are found less often."
    ]
    if not report.get("validation_source"):
        limits.append(
            "The figures come from sentences held out from the training file itself, so they "
            "are likely optimistic for text from other sources."
        )
    if metrics.get("num_examples") and metrics["num_examples"] < 200:
        limits.append(
            f"Only {metrics['num_examples']} validation sentences: the figures above are rough."
        )
    counts = (report.get("entity_counts") or {}).get("train") or {}
    rare = [k for k, n in counts.items() if n < 10]
    if rare:
        limits.append(
            "Types with very few training entities ("
            + ", ".join(f"`{k}`" for k in rare[:10])
            + ") are unreliable."
        )
    limits.append(
        "Text is split into words the way the tokenizer pre-tokenises it; a word takes the "
        "tag of its first sub-word."
    )
    return {
        "summary": summary,
        "usage": "\n".join(usage),
        "data": "\n".join(data),
        "evaluation": "\n".join(evaluation),
        "limits": limits,
        "predict_help": "entities with character offsets for texts given on the command line "
        "(or one per line on stdin)",
    }


register(TokenClassification())
