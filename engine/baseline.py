"""A TF-IDF + logistic regression yardstick, fitted in seconds.

A fine-tuned transformer that scores no better than a bag of words on the same split has
learnt nothing a linear model could not; showing both numbers side by side tells the user
whether the hours of training paid off. The same model, cross-validated, gives the
out-of-sample probabilities that label-noise detection (``engine.suspects``) needs.

Never pickled or saved: it is refitted on demand, which is cheap (10k texts in a few seconds).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import DatasetError

#: Texts where fewer than this share of characters is whitespace are read as unspaced
#: (Chinese, Japanese, Thai): words cannot be split on spaces, so characters are the units.
SPACE_SHARE = 0.05
#: Logistic regression's inverse regularisation: TF-IDF features are many and sparse, and
#: a weaker penalty than sklearn's default (1.0) fits short texts better (banking77: 0.879
#: accuracy at C=10, 0.867 at C=3).
C = 10.0
#: SAGA at tolerance 1e-3 reaches lbfgs's accuracy 10-60x faster on TF-IDF features
#: (sms_spam 0.3 s vs 19 s, banking77 7 s vs 79 s on 2 cores); a tighter tolerance
#: doubles the time for the same accuracy.
SOLVER = {"solver": "saga", "max_iter": 200, "tol": 1e-3}


@dataclass(frozen=True)
class BaselineResult:
    """The yardstick's validation figures; ``probabilities`` rows follow the validation
    texts, columns the class ids ``0..n_classes-1``."""

    accuracy: float
    macro_f1: float
    seconds: float
    analyzer: str
    probabilities: Any  # np.ndarray (n_val, n_classes)

    def to_dict(self) -> dict[str, Any]:
        """The figures without the probabilities (for JSON reports)."""
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "seconds": self.seconds,
            "analyzer": self.analyzer,
        }


def choose_analyzer(texts: Sequence[str]) -> str:
    """``word`` for spaced languages, ``char`` when the texts have (almost) no spaces.

    Decided from the texts rather than a language setting: a Chinese review set has a space
    in well under 5% of its characters, English about 15-20%."""
    sample = [t for t in texts[:2000] if t]
    chars = sum(len(t) for t in sample)
    if not chars:
        return "word"
    spaces = sum(t.count(" ") + t.count("\t") + t.count("\n") for t in sample)
    return "word" if spaces / chars >= SPACE_SHARE else "char"


def _vectorizer(analyzer: str) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if analyzer == "char":
        return TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1, max_features=300_000
        )
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
        lowercase=True,
        token_pattern=r"(?u)\b\w+\b",  # keep one-letter words ("a", "I"): they carry sentiment
        max_features=300_000,
    )


def make_pipeline(analyzer: str, *, seed: int = 0) -> Any:
    """An unfitted TF-IDF + logistic regression pipeline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as sk_pipeline

    return sk_pipeline(_vectorizer(analyzer), LogisticRegression(C=C, random_state=seed, **SOLVER))


@contextmanager
def _quiet() -> Iterator[None]:
    """No warnings from a yardstick: SAGA stopping at ``max_iter`` (the accuracy has settled
    by then), or a class rarer than the folds missing from some training folds (it gets
    probability 0 there, which is right)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _check(texts: Sequence[str], labels: Sequence[int], what: str) -> None:
    if len(texts) != len(labels):
        raise DatasetError(f"{what}: {len(texts)} texts but {len(labels)} labels.")
    if not len(texts):
        raise DatasetError(f"{what}: no rows.", hint="The baseline needs labelled rows.")


def _expand(probs: Any, present: Any, n_classes: int) -> Any:
    """Probabilities over the classes sklearn saw, spread into all ``n_classes`` columns."""
    import numpy as np

    out = np.zeros((probs.shape[0], n_classes), dtype=np.float64)
    out[:, np.asarray(present, dtype=int)] = probs
    return out


def fit_baseline(
    train_texts: Sequence[str],
    train_labels: Sequence[int],
    val_texts: Sequence[str],
    val_labels: Sequence[int],
    *,
    n_classes: int | None = None,
    seed: int = 0,
) -> BaselineResult:
    """Fit on the training split and score on validation. Labels are class ids.

    Raises ``DatasetError`` when a split is empty or the training split has a single class."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score

    _check(train_texts, train_labels, "training split")
    _check(val_texts, val_labels, "validation split")
    y = np.asarray(train_labels, dtype=int)
    y_val = np.asarray(val_labels, dtype=int)
    present = np.unique(y)
    if len(present) < 2:
        raise DatasetError(
            "training split: only one class, so there is nothing to compare against.",
            hint="The baseline needs at least two labels.",
        )
    k = int(n_classes or max(int(y.max()), int(y_val.max())) + 1)
    start = time.perf_counter()
    analyzer = choose_analyzer(list(train_texts))
    model = make_pipeline(analyzer, seed=seed)
    with _quiet():
        model.fit(list(train_texts), y)
    probs = _expand(model.predict_proba(list(val_texts)), model.classes_, k)
    seconds = time.perf_counter() - start
    pred = probs.argmax(axis=1)
    return BaselineResult(
        accuracy=float(accuracy_score(y_val, pred)),
        macro_f1=float(
            f1_score(y_val, pred, average="macro", labels=np.unique(y_val), zero_division=0)
        ),
        seconds=seconds,
        analyzer=analyzer,
        probabilities=probs,
    )


def out_of_sample_probabilities(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    folds: int = 5,
    n_classes: int | None = None,
    seed: int = 0,
) -> Any:
    """Each row's class probabilities from a model that never saw that row (stratified
    k-fold ``cross_val_predict``): what confident learning needs to judge a row's label.

    Returns an ``(n_rows, n_classes)`` array; columns are class ids. Classes rarer than
    ``folds`` lower the number of folds (at least 2)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    _check(texts, labels, "data")
    y = np.asarray(labels, dtype=int)
    present, counts = np.unique(y, return_counts=True)
    if len(present) < 2:
        raise DatasetError(
            "data: only one class; label noise cannot be judged.",
            hint="The data needs at least two labels.",
        )
    k = int(n_classes or int(y.max()) + 1)
    n_splits = max(2, min(folds, int(counts.max())))
    if len(y) < n_splits * 2:
        raise DatasetError(
            f"data: {len(y)} rows are too few to cross-validate.", hint="Add more labelled rows."
        )
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    model = make_pipeline(choose_analyzer(list(texts)), seed=seed)
    with _quiet():
        probs = cross_val_predict(model, list(texts), y, cv=cv, method="predict_proba")
    return _expand(probs, present, k)


def sentence_embeddings(
    model_dir: str | os.PathLike[str],
    texts: Sequence[str],
    *,
    max_length: int = 128,
    batch_size: int = 64,
    device: str = "cpu",
    allow_pickle: bool = False,
) -> Any:
    """Mean-pooled, unit-length encoder embeddings of ``texts`` from a pre-trained model.

    A second yardstick for label noise: a linear model on the *pre-trained* encoder's
    embeddings knows word meaning that TF-IDF lacks, yet has never seen the labels, so
    cross-validated it stays out-of-sample (bench/suspects_recall.py: 0.65 of the flipped
    labels of the sample set in the top k, TF-IDF alone 0.50). Raises ``ModelLoadError``."""
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    from engine.errors import ModelLoadError
    from engine.models import check_model_folder, quiet_transformers, weights_error

    quiet_transformers()
    path = Path(model_dir)
    check_model_folder(path, allow_pickle=allow_pickle)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModel.from_pretrained(
            str(path), local_files_only=True, use_safetensors=None if allow_pickle else True
        )
    except Exception as exc:  # noqa: BLE001
        raise weights_error(path, exc, "the encoder") from None
    if not hasattr(model.config, "hidden_size"):
        raise ModelLoadError(f"{path}: not a text encoder (no hidden size).")
    model.to(device).eval()
    order = np.argsort([len(t) for t in texts], kind="stable")  # little padding per batch
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            ).to(device)
            hidden = model(**enc).last_hidden_state.float()
            mask = enc["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy()
    return out


def out_of_sample_embedding_probabilities(
    embeddings: Any,
    labels: Sequence[int],
    *,
    folds: int = 5,
    n_classes: int | None = None,
    seed: int = 0,
) -> Any:
    """``out_of_sample_probabilities`` for dense embeddings (logistic regression, C=1)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    y = np.asarray(labels, dtype=int)
    present, counts = np.unique(y, return_counts=True)
    if len(present) < 2:
        raise DatasetError("data: only one class; label noise cannot be judged.")
    k = int(n_classes or int(y.max()) + 1)
    n_splits = max(2, min(folds, int(counts.max())))
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    with _quiet():
        probs = cross_val_predict(model, np.asarray(embeddings), y, cv=cv, method="predict_proba")
    return _expand(probs, present, k)
