"""Prediction with a trained model: one text, a list, or a whole file to CSV.

``Predictor`` loads a model folder once (a run folder works: its ``model/`` is used) and
keeps it warm. Texts are batched by length, so padding stays small. In fp32 on a CPU,
batches are small (they stay in the cache) and a file's run on ONNX Runtime once the model
folder has its checked ONNX file (``engine.onnx_runtime``: 1.1-1.2x PyTorch's texts per
CPU-second, the same labels, probabilities within 1e-5), with PyTorch as the fallback; one
text, bf16 and GPUs stay on PyTorch.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.data import clip_texts
from engine.errors import ConfigError, DatasetError
from engine.models import ModelSource, check_model_folder, quiet_transformers, weights_error


@dataclass(frozen=True)
class Prediction:
    """The top label and a probability for every class."""

    text: str
    label: str
    scores: dict[str, float]
    uncertain: bool | None = None
    """Below the asked-for confidence (``None`` when no threshold was asked for)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "label": self.label, "scores": self.scores}
        if self.uncertain is not None:
            out["uncertain"] = self.uncertain
        return out


def resolve_model_dir(path: str | os.PathLike[str]) -> Path:
    """A model folder, given a model folder or a run folder."""
    p = Path(path).expanduser()
    if (p / "model" / "config.json").is_file() and not (p / "config.json").is_file():
        return p / "model"
    if (p / "model" / "config.json").is_file() and (p / "status.json").is_file():
        return p / "model"
    return p


def inference_precision(requested: str, device: str) -> str:
    """``bf16`` or ``fp32`` for prediction on ``device``; raises ``ConfigError``."""
    from engine.device import resolve_precision

    if requested not in ("auto", "bf16", "fp32"):
        raise ConfigError(
            f"Unknown prediction precision {requested!r}.", hint="Use auto, bf16 or fp32."
        )
    return "bf16" if resolve_precision(requested, device) == "bf16" else "fp32"


#: Padded tokens per forward pass when predicting (batches of short texts are bigger).
BATCH_TOKENS = 8192
#: The same in fp32 on a CPU: small batches keep a layer's activations in the cache (a batch
#: of 256 short texts holds 25 MB of them). 16 short texts a pass ran 1.2-1.5x the texts per
#: CPU-second of 256 on PyTorch, 8 the same as 16 and 32 a little less on ONNX Runtime
#: (bench/RESULTS.md, section 11). Counted in real tokens, this budget gives banking77's
#: questions (16 tokens) 16 a pass and SMS messages (26) 8.
FP32_CPU_BATCH_TOKENS = 320
#: One or two texts of up to this many tokens: a CPU forward pass runs on one thread.
SMALL_BATCH_TOKENS = 128
#: A file of at least this many texts makes the model folder's ONNX file when it has none:
#: the export of the starter model took 31 s (2 threads, a loaded machine), which ONNX
#: Runtime's 2-20% more texts per CPU-second than PyTorch pay back over some 10,000-40,000
#: short texts (bench/RESULTS.md, section 11). Smaller files use the file once it exists.
ONNX_BUILD_ROWS = 20_000
#: ``predict`` of at least this many texts opens an ONNX file made before (opening and
#: checking it takes about as long as predicting this many texts)
ONNX_OPEN_TEXTS = 256
#: rows of a file read, predicted and written at a time (its progress and stop steps)
FILE_CHUNK_ROWS = 1024
#: where batches run: ``auto`` (ONNX Runtime in fp32 on a CPU, else PyTorch) or ``torch``
RUNTIMES = ("auto", "torch")


#: a batch to run: a key its caller reads back, its texts, their rows of ``_encode`` (or None)
_Job = tuple[Any, list[str], dict[str, list[Any]] | None]


def _as_texts(values: Iterable[Any]) -> list[str]:
    """Texts as given, a missing one as ``""``, anything else as its ``str``."""
    return [t if isinstance(t, str) else "" if t is None else str(t) for t in values]


class Predictor:
    """A loaded classifier. Thread-compatible: use it from one thread at a time (only
    :meth:`prepare_onnx` may run in another thread beside it)."""

    def __init__(
        self,
        model: str | os.PathLike[str],
        *,
        device: str = "auto",
        allow_pickle: bool = False,
        trust_remote_code: bool = False,
        max_length: int | None = None,
        precision: str = "auto",
        runtime: str = "auto",
    ) -> None:
        """``precision``: ``auto`` (bf16 where the device runs it natively, else fp32),
        ``bf16`` or ``fp32``. In bf16 the model's weights are converted once (no casts per
        call, half the memory): about 1.9x the texts per second on a CPU with AVX-512 BF16,
        the same labels but for about 1 text in 1,000 near a tie, probabilities within about
        0.005 of fp32 (bench/RESULTS.md).

        ``runtime``: ``auto`` runs on ONNX Runtime in fp32 on a CPU once the folder's ONNX
        file is open (:meth:`use_onnx` for a file's batches, :meth:`prepare_onnx` for a
        window); ``torch`` keeps everything on PyTorch."""
        import torch

        from engine.device import resolve_device

        quiet_transformers()
        self.path = resolve_model_dir(model)
        check_model_folder(
            self.path, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code
        )
        meta_path = self.path / "strop.json"
        self.meta: dict[str, Any] = {}
        if meta_path.is_file():
            try:
                self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except ValueError:
                self.meta = {}
        self._trust_remote_code = trust_remote_code
        self._allow_pickle = allow_pickle
        try:
            self.tokenizer, self.model = self._load()
        except Exception as exc:  # noqa: BLE001
            raise weights_error(self.path, exc, "the classifier") from None
        self.device = resolve_device(device)
        self.model.to(self.device).eval()
        self.precision = inference_precision(precision, self.device)
        if self.precision == "bf16":
            self.model.to(torch.bfloat16)
        id2label = self.model.config.id2label or {}
        self.labels = [
            str(id2label.get(i, id2label.get(str(i), i)))
            for i in range(self.model.config.num_labels)
        ]
        limit = getattr(self.tokenizer, "model_max_length", 512) or 512
        if limit > 100_000:
            limit = getattr(self.model.config, "max_position_embeddings", 512) or 512
        self.max_length = int(max_length or self.meta.get("max_length") or min(limit, 512))

        self._torch = torch
        if runtime not in RUNTIMES:
            raise ConfigError(f"Unknown prediction runtime {runtime!r}.", hint="Use auto or torch.")
        self._onnx: Any = None  # engine.onnx_runtime.OnnxClassifier once checked
        self._onnx_tried = False  # found, or failed: not looked for again
        self._onnx_workers = 1  # batches run on ONNX Runtime at once, each on one thread
        self._onnx_lock = threading.Lock()
        self.runtime_note = "PyTorch"
        """Where batches run and why (``PyTorch``, or ONNX Runtime and its check)."""
        if runtime == "torch":
            self.runtime_note = "PyTorch (asked for)"
        elif self.precision != "fp32" or self.device != "cpu":
            self.runtime_note = f"PyTorch ({self.precision} on {self.device})"
        fp32_cpu = self.precision == "fp32" and self.device == "cpu"
        self._onnx_allowed = runtime == "auto" and fp32_cpu
        self.batch_tokens = FP32_CPU_BATCH_TOKENS if fp32_cpu else BATCH_TOKENS
        """Padded tokens per forward pass (each text's real tokens: ``_encode``)."""

    def _load(self) -> tuple[Any, Any]:
        """The folder's tokenizer and classifier, as loaded from disk."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(
            str(self.path), local_files_only=True, trust_remote_code=self._trust_remote_code
        )
        model = AutoModelForSequenceClassification.from_pretrained(
            str(self.path),
            local_files_only=True,
            use_safetensors=None if self._allow_pickle else True,
            trust_remote_code=self._trust_remote_code,
        )
        return tokenizer, model

    def _encode(self, texts: list[str]) -> dict[str, list[Any]]:
        """Each text's inputs as the model will read them (truncated at ``max_length``, not
        padded): one tokenizer pass for a whole call, before any batch runs.

        Batches are grouped by these token counts, not by characters: texts of one length
        in characters differ in tokens, and grouped by characters a batch of short questions
        was 20% padding (SMS 34%), by tokens 1-2% (bench/RESULTS.md, section 11). Each batch
        is then padded from this pass (``tokenizer.pad``: 0.04 s for 3,000 short texts)
        instead of tokenized a second time (0.2 s)."""
        return dict(
            self.tokenizer(
                clip_texts(texts, self.max_length), truncation=True, max_length=self.max_length
            )
        )

    def _inputs(
        self, texts: Sequence[str], encoded: dict[str, list[Any]] | None, tensors: str
    ) -> dict[str, Any]:
        """A batch's padded inputs: from ``encoded`` (``_encode``'s rows for these texts)
        when given, else tokenized here."""
        if encoded is not None:
            return dict(self.tokenizer.pad(encoded, return_tensors=tensors))
        return dict(
            self.tokenizer(
                clip_texts(texts, self.max_length), truncation=True,
                max_length=self.max_length, padding=True, return_tensors=tensors,
            )
        )  # fmt: skip

    @property
    def source(self) -> ModelSource:
        return ModelSource(str(self.path), self.path, "local")

    @property
    def runtime(self) -> str:
        """``onnx`` when batches run on ONNX Runtime, else ``torch``."""
        return "onnx" if self._onnx is not None else "torch"

    def use_onnx(self, texts: Sequence[str] = (), *, build: bool = True) -> bool:
        """Run batches on ONNX Runtime from now on, if it reproduces PyTorch here.

        Opens the model folder's cached ONNX file, or with ``build`` exports it first (once
        per model folder, a few seconds to a minute). Checked on a probe of ``texts`` (the
        texts about to be predicted) before use. Only in fp32 on a CPU with ``runtime``
        ``auto``; tried once per ``Predictor``. False (and PyTorch stays) on any problem,
        the reason in ``runtime_note``."""
        return self._open_onnx(texts, build=build, model=self.model, tokenizer=self.tokenizer)

    def wants_onnx(self) -> bool:
        """Whether :meth:`prepare_onnx` has something to do (fp32 on a CPU, ``runtime``
        ``auto``, the file neither open nor tried)."""
        return self._onnx_allowed and self._onnx is None and not self._onnx_tried

    def prepare_onnx(self, texts: Sequence[str] = ()) -> bool:
        """``use_onnx`` with the file always made (once per model folder), for a window
        to call in the background once a model is chosen: a single fp32 text then takes
        about 7 ms on ONNX Runtime against PyTorch's 17 (bench/RESULTS.md, section 11).

        Safe beside this predictor's own predictions in another thread: it exports and
        checks its own copy of the model and tokenizer (a fast tokenizer must not be
        called from two threads at once) and switches over once the file is checked."""
        if self._onnx is not None or not self._onnx_allowed or self._onnx_tried:
            return self._onnx is not None
        try:
            import importlib

            from engine.imports import LOCK

            with LOCK:  # the exporter's first imports (seconds): one thread at a time, as
                for name in ("onnx", "onnxscript", "onnxruntime", "torch.onnx"):  # the warm-up
                    importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - not installed, or broken: PyTorch stays
            self.runtime_note = f"PyTorch (ONNX Runtime not used: {exc})"
            return False
        try:
            tokenizer, model = self._load()
        except Exception as exc:  # noqa: BLE001 - prediction stays on PyTorch
            self.runtime_note = f"PyTorch (the model did not load again: {exc})"
            return False
        model.eval()
        return self._open_onnx(texts, build=True, model=model, tokenizer=tokenizer)

    def _open_onnx(self, texts: Sequence[str], *, build: bool, model: Any, tokenizer: Any) -> bool:
        with self._onnx_lock:  # one export of the folder's file at a time
            if self._onnx is not None or not self._onnx_allowed:
                return self._onnx is not None
            if self._onnx_tried:
                return False
            from engine.onnx_runtime import load_or_build

            clipped = clip_texts([t for t in texts if isinstance(t, str)], self.max_length)
            # one thread a session call, and as many batches at once as PyTorch has threads
            # (_batch_probabilities): two cores ran 1.2-1.3x the texts of one call on two
            # threads (no hand-over between threads in each small operator; RESULTS, 11)
            onnx, note = load_or_build(
                self.path, model, tokenizer, clipped,
                max_length=self.max_length, threads=1, build=build,
            )  # fmt: skip
            self._onnx_workers = max(1, self._torch.get_num_threads())
            self._onnx = onnx
            if onnx is not None or build:
                self._onnx_tried = True
                self.runtime_note = note if onnx is not None else f"PyTorch ({note})"
            return onnx is not None

    def _onnx_failed(self, exc: BaseException) -> None:
        """Move every later batch back to PyTorch, saying why."""
        from engine.onnx_export import first_line

        self._onnx = None
        self.runtime_note = f"PyTorch (ONNX Runtime failed: {first_line(exc)})"

    def _onnx_probabilities(self, enc: dict[str, Any]) -> Any:
        """ONNX Runtime's probabilities, or ``None`` after a failure (``_onnx_failed``)."""
        from engine.onnx_export import softmax

        try:
            return softmax(self._onnx.logits(enc).astype("float64"))
        except Exception as exc:  # noqa: BLE001 - PyTorch is the fallback
            self._onnx_failed(exc)
            return None

    def _probabilities(
        self, texts: Sequence[str], encoded: dict[str, list[Any]] | None = None
    ) -> Any:
        """One batch's probabilities (``encoded``: its rows of ``_encode``, if made)."""
        torch = self._torch
        # ONNX Runtime whenever its file is open: a single fp32 text took 7 ms on its one
        # thread against PyTorch's 17 on one (bench/RESULTS.md, section 11)
        if self._onnx is not None:
            probs = self._onnx_probabilities(self._inputs(texts, encoded, "np"))
            if probs is not None:
                return probs
        enc = self._inputs(texts, encoded, "pt")
        enc = {k: v.to(self.device) for k, v in enc.items()}
        # A text or two on the CPU: one thread. Its matrices are too small to share, and
        # waking a second thread costs more than it saves (16 -> 10 ms a sentence here).
        # The setting belongs to this thread (OpenMP), so a run training in another thread
        # keeps its threads.
        threads = torch.get_num_threads()
        small = (
            self.device == "cpu"
            and len(texts) <= 2
            and enc["input_ids"].numel() <= SMALL_BATCH_TOKENS
        )
        try:
            if small and threads > 1:
                torch.set_num_threads(1)
            with torch.inference_mode():
                logits = self.model(**enc).logits
        finally:
            if small and threads > 1:
                torch.set_num_threads(threads)
        # calibrated: the run divided the head's weights by its temperature (engine.training)
        return torch.softmax(logits.float(), dim=-1).cpu().numpy()

    def _batch_probabilities(self, jobs: Iterable[_Job]) -> Iterator[tuple[Any, Any]]:
        """Each job's ``(key, probabilities)``, in the jobs' order. A job is a batch: a key
        the caller reads back, its texts, and their rows of ``_encode`` (``None``: not
        made). ``jobs`` is read lazily, a few batches ahead of the results: a generator that
        reads and tokenizes the next chunk of a file runs while the last batches of this one
        are still computing. On ONNX Runtime with more than one thread, several batches run
        at once, each session call on one thread (it lets go of the interpreter lock); the
        tokenizer stays in this thread (a fast tokenizer must not be called from two threads
        at once). The results are those of one batch at a time."""
        from itertools import chain, islice

        workers = self._onnx_workers if self._onnx is not None else 1
        queue = iter(jobs)
        head = list(islice(queue, 2))
        if workers <= 1 or len(head) < 2:  # one batch (a text typed in): no thread hand-over
            for key, texts, encoded in chain(head, queue):
                yield key, self._probabilities(texts, encoded)
            return
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        from engine.onnx_export import softmax

        onnx = self._onnx
        queue = chain(head, queue)
        pending: deque[tuple[_Job, Future[Any]]] = deque()
        with ThreadPoolExecutor(workers, thread_name_prefix="strop-predict") as pool:
            while True:
                while len(pending) <= 2 * workers:  # a few batches ahead of the results
                    job = next(queue, None)
                    if job is None:
                        break
                    enc = self._inputs(job[1], job[2], "np")
                    pending.append((job, pool.submit(onnx.logits, enc)))
                if not pending:
                    return
                done, future = pending.popleft()
                try:
                    logits = future.result()
                except Exception as exc:  # noqa: BLE001 - PyTorch is the fallback
                    for _, rest in pending:
                        rest.cancel()
                    self._onnx_failed(exc)
                    # this batch, those started after it, then the rest, as they come
                    for key, texts, encoded in chain([done], (j for j, _ in pending), queue):
                        yield key, self._probabilities(texts, encoded)
                    return
                yield done[0], softmax(logits.astype("float64"))

    def _plan(
        self, texts: list[str], batch_size: int
    ) -> tuple[dict[str, list[Any]] | None, list[list[int]]]:
        """``texts``' rows of ``_encode`` (``None`` for one or two texts: nothing to group,
        tokenized as they run) and its batches: indices of texts of the same or a similar
        number of tokens, at most ``batch_size`` texts and ``batch_tokens`` tokens each."""
        encoded = self._encode(texts) if len(texts) > 2 else None
        counts = [len(row) for row in encoded["input_ids"]] if encoded else [0] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: counts[i])
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            size = min(batch_size, len(order) - start)
            # sorted by tokens, so a batch's last text is its longest
            while size > 1 and size * counts[order[start + size - 1]] > self.batch_tokens:
                size //= 2
            batches.append(order[start : start + size])
            start += size
        return encoded, batches

    def _chunk_predictions(
        self,
        chunks: Iterable[list[str]],
        *,
        batch_size: int,
        min_confidence: float | None,
    ) -> Generator[list[Prediction], None, None]:
        """Each chunk's predictions, in order, its texts' order. The chunks go through one
        stream of batches, so the next chunk is read and tokenized while this one's last
        batches run, and is written while the next one's first batches run. On two cores
        the ONNX Runtime workers were busy 90-95% of a file's time when each chunk waited
        for the one before, 98% now: 1.01-1.03x the texts per second (bench/RESULTS.md,
        section 11)."""
        from collections import deque

        # each chunk: its texts, its predictions so far, the number of batches not back yet
        open_chunks: deque[tuple[list[str], list[Prediction | None], list[int]]] = deque()

        def jobs() -> Iterator[_Job]:
            for texts in chunks:
                encoded, batches = self._plan(texts, batch_size)
                results: list[Prediction | None] = [None] * len(texts)
                chunk = (texts, results, [len(batches)])
                open_chunks.append(chunk)
                for idx in batches:
                    rows = None if encoded is None else {
                        k: [v[i] for i in idx] for k, v in encoded.items()
                    }  # fmt: skip
                    yield (chunk, idx), [texts[i] for i in idx], rows

        def finished() -> Iterator[list[Prediction]]:
            while open_chunks and open_chunks[0][2][0] == 0:
                texts, results, _ = open_chunks.popleft()
                yield [r for r in results if r is not None]

        for (chunk, idx), probs in self._batch_probabilities(jobs()):
            texts, results, left = chunk
            for row, i in zip(probs, idx, strict=True):
                scores = dict(zip(self.labels, row.tolist(), strict=True))
                uncertain = None if min_confidence is None else bool(row.max() < min_confidence)
                results[i] = Prediction(texts[i], self.labels[int(row.argmax())], scores, uncertain)
            left[0] -= 1
            yield from finished()
        yield from finished()  # chunks without texts

    def predict(
        self,
        texts: Sequence[str] | str,
        *,
        batch_size: int = 256,
        min_confidence: float | None = None,
    ) -> list[Prediction]:
        """Predict each text; the order of the results follows ``texts``.

        Texts go in batches of the same or a similar number of tokens, of at most
        ``batch_size`` texts and ``batch_tokens`` tokens: in bf16 and on a GPU many short
        texts at once (bigger matrix products run faster per text), in fp32 on a CPU small
        batches that stay in the cache; few long texts at once (memory stays bounded)."""
        if isinstance(texts, str):
            texts = [texts]
        texts = _as_texts(texts)
        if len(texts) >= ONNX_OPEN_TEXTS and not self._onnx_tried:
            self.use_onnx(texts, build=False)  # the folder's ONNX file, if made before
        (predictions,) = self._chunk_predictions(
            [texts], batch_size=batch_size, min_confidence=min_confidence
        )  # one chunk, run to the end (the batches' threads stop with it)
        return predictions

    def predict_file(
        self,
        path: str | os.PathLike[str],
        out: str | os.PathLike[str],
        *,
        text_column: str | None = None,
        batch_size: int = 256,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        min_confidence: float | None = None,
    ) -> int:
        """Predict every text of a data file into a CSV: the text, the label, one probability
        column per class. Returns the number of rows written. Raises ``DatasetError``."""
        from engine.data import read_texts
        from engine.tables import csv_output

        ds, column = read_texts(path, text_column)
        total = ds.num_rows
        if total:
            if progress and total >= ONNX_BUILD_ROWS:
                progress(0, total)  # the ONNX file may take a minute to make first
            self.use_onnx(ds[:1000][column], build=total >= ONNX_BUILD_ROWS)
        chunk = max(batch_size * 4, FILE_CHUNK_ROWS)

        def chunks() -> Iterator[list[str]]:
            for start in range(0, total, chunk):
                if stop is not None and stop.is_set():
                    return
                yield _as_texts(ds[start : start + chunk][column])

        written = 0
        with csv_output(out) as writer:
            extra = ["uncertain"] if min_confidence is not None else []
            writer.writerow(["text", "label", *extra, *[f"p_{label}" for label in self.labels]])
            # closed on a stop or an error: the batches under way finish, no more start
            predicted = self._chunk_predictions(
                chunks(), batch_size=batch_size, min_confidence=min_confidence
            )
            with closing(predicted):
                for preds in predicted:
                    for pred in preds:
                        flag = [str(pred.uncertain).lower()] if pred.uncertain is not None else []
                        scores = [f"{pred.scores[label]:.6f}" for label in self.labels]
                        writer.writerow([pred.text, pred.label, *flag, *scores])
                    written += len(preds)
                    if progress:
                        progress(written, total)
                    if stop is not None and stop.is_set():
                        break
        return written


def evaluate(
    model: str | os.PathLike[str],
    data: str | os.PathLike[str],
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    batch_size: int = 64,
    device: str = "auto",
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
) -> dict[str, Any]:
    """Accuracy, macro and per-class figures and the confusion matrix of a model on a file."""
    from engine.data import _clean, detect_columns, load_table
    from engine.metrics import classification_metrics

    predictor = Predictor(
        model, device=device, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code
    )
    raw = load_table(data)
    if text_column is None or label_column is None:
        guess = detect_columns(raw, source=str(data))
        text_column = text_column or guess.text
        label_column = label_column or guess.label
    clean, _, _, _ = _clean(raw, text_column, label_column, str(data))
    if clean.num_rows == 0:
        raise DatasetError(f"{data}: no usable rows to evaluate.")
    gold = [str(v) for v in clean["label"]]
    unknown = sorted(set(gold) - set(predictor.labels))
    if unknown:
        raise DatasetError(
            f"{data}: column {label_column!r} has label(s) the model does not know: {', '.join(map(repr, unknown[:5]))}.",
            hint=f"The model's labels are: {', '.join(predictor.labels[:10])}.",
        )
    index = {label: i for i, label in enumerate(predictor.labels)}
    texts = clean["text"]
    predictor.use_onnx(texts[:1000], build=len(texts) >= ONNX_BUILD_ROWS)
    preds = predictor.predict(texts, batch_size=batch_size)
    return classification_metrics(
        [index[g] for g in gold], [index[p.label] for p in preds], predictor.labels
    )
