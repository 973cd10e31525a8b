"""The task registry, detection, and a toy fourth task that plugs in without touching any
other task's module: it reads its own ``.toy`` files, trains through ``engine.training.train``
and predicts through the CLI's task dispatch."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine import tasks
from engine.errors import ConfigError, DatasetError
from engine.tasks.base import Task, TaskData
from tests.engine.conftest import fast_config


@dataclass(frozen=True)
class ToyPrediction:
    text: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label}


class ToyPredictor:
    def __init__(self, model_dir: Path) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        self.model = AutoModelForSequenceClassification.from_pretrained(str(model_dir)).eval()
        self.labels = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]

    def predict(self, inputs: Sequence[str], **kwargs: Any) -> list[ToyPrediction]:
        import torch

        enc = self.tokenizer(list(inputs), padding=True, return_tensors="pt")
        with torch.no_grad():
            ids = self.model(**enc).logits.argmax(-1).tolist()
        return [ToyPrediction(t, self.labels[i]) for t, i in zip(inputs, ids, strict=True)]

    def predict_file(self, path: Any, out: Any, **kwargs: Any) -> int:
        raise NotImplementedError


class ToyTask(Task):
    """Tab-separated ``text<TAB>label`` lines in a ``.toy`` file; no length grouping, its own
    metric ('hits'), its own predictor."""

    name = "toy-classification"
    title = "Toy"
    main_metric = "hits"
    metrics_shown = ("hits",)
    auto_model = "AutoModelForSequenceClassification"
    has_lengths = False

    def detect(self, path: Path) -> float:
        return 1.0 if path.suffix == ".toy" else 0.0

    def load_data(self, config: Any) -> TaskData:
        from engine.data import LabelMap

        rows = [
            line.split("\t")
            for line in Path(config.data).read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        labels = LabelMap.from_values(sorted({label for _, label in rows}))
        split = len(rows) * 4 // 5
        return TaskData(
            train=rows[:split],
            validation=rows[split:],
            labels=labels,
            source=config.data,
            num_train=split,
            num_validation=len(rows) - split,
        )

    def load_processor(self, source: Any, config: Any) -> Any:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(source.path))

    def report(self, data: TaskData, processor: Any, config: Any, info: Any) -> Any:
        @dataclass
        class Report:
            max_length: int | None = 16

            def to_dict(self) -> dict[str, Any]:
                return {"rows": data.num_train}

            def format_text(self) -> str:
                return f"{data.num_train} rows"

        return Report()

    def encode(self, data: TaskData, processor: Any, config: Any) -> tuple[Any, Any]:
        import datasets

        def build(rows: list[list[str]]) -> Any:
            enc = processor([t for t, _ in rows], truncation=True, max_length=16)
            enc["labels"] = [data.labels.label2id[label] for _, label in rows]
            return datasets.Dataset.from_dict(dict(enc))

        return build(data.train), build(data.validation)

    def build_model(self, source: Any, labels: Any, config: Any) -> Any:
        from transformers import AutoModelForSequenceClassification

        return AutoModelForSequenceClassification.from_pretrained(
            str(source.path),
            num_labels=len(labels),
            id2label=labels.id2label,
            label2id=labels.label2id,
            ignore_mismatched_sizes=True,
        )

    def collator(self, processor: Any, device: str) -> Any:
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(processor)

    def eval_metrics(self, labels: Any) -> Callable[[Any], dict[str, float]]:
        def compute(pred: Any) -> dict[str, float]:
            hits = (pred.predictions.argmax(-1) == pred.label_ids).mean()
            return {"hits": float(hits)}

        return compute

    def final_metrics(self, output: Any, data: TaskData) -> dict[str, Any]:
        hits = (output.predictions.argmax(-1) == output.label_ids).mean()
        return {"hits": float(hits), "num_examples": int(len(output.label_ids))}

    def load_predictor(self, model_dir: Path, **options: Any) -> Any:
        return ToyPredictor(model_dir)

    def evaluate(self, model_dir: Path, data: str, **options: Any) -> dict[str, Any]:
        return {"hits": 0.0}


@pytest.fixture
def toy_task() -> Iterator[ToyTask]:
    task = tasks.register(ToyTask())
    yield task
    tasks.unregister(task.name)


def test_text_classification_is_registered_and_detected_for_tables(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\na,b\n", encoding="utf-8")
    assert tasks.detect(data).name == "text-classification"
    assert tasks.get(None).name == "text-classification"
    assert "text-classification" in tasks.names()


def test_detecting_a_table_imports_nothing_heavy(tmp_path: Path) -> None:
    """Detection runs while the window starts: pandas, numpy or pyarrow loading there held
    the interpreter lock for about a second (``bench/startup.py``)."""
    import subprocess
    import sys

    table = tmp_path / "reviews.csv"
    table.write_text("text,label\nGreat value,pos\nBroke at once,neg\n", encoding="utf-8")
    script = (
        "import sys; from engine import tasks\n"
        f"print(tasks.detect({str(table)!r}).name)\n"
        "print([m for m in ('pandas', 'numpy', 'pyarrow', 'torch') if m in sys.modules])\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=root
    )
    assert done.stdout.split("\n")[:2] == ["text-classification", "[]"], done.stderr[-2000:]


def test_unknown_task_and_undetectable_data_name_the_task_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Unknown task"):
        tasks.get("summarization")
    odd = tmp_path / "data.xyz"
    odd.write_bytes(b"\x00\x01")
    with pytest.raises(DatasetError) as info:
        tasks.detect(odd)
    assert "--task" in str(info.value)


def test_a_tie_between_two_tasks_names_the_task_flag(tmp_path: Path, toy_task: ToyTask) -> None:
    class Greedy(ToyTask):
        name = "greedy-classification"

    tasks.register(Greedy())
    try:
        data = tmp_path / "d.toy"
        data.write_text("a\tb\n", encoding="utf-8")
        with pytest.raises(DatasetError) as info:
            tasks.detect(data)
        assert "--task" in str(info.value)
    finally:
        tasks.unregister("greedy-classification")


def test_a_model_folder_says_its_task(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(
        json.dumps({"architectures": ["BertForSequenceClassification"]}), encoding="utf-8"
    )
    assert tasks.for_model(folder).name == "text-classification"
    (folder / "strop.json").write_text(json.dumps({"task": "nonexistent"}), encoding="utf-8")
    with pytest.raises(ConfigError):
        tasks.for_model(folder)


def test_a_toy_task_trains_and_predicts_through_the_shared_engine(
    tmp_path: Path, tiny_model: Path, toy_task: ToyTask, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main
    from engine.events import Evaluated, Recorder
    from engine.training import train

    rows = [("good movie great", "pos"), ("bad film awful", "neg")] * 20
    data = tmp_path / "data.toy"
    data.write_text("\n".join(f"{t}\t{label}" for t, label in rows), encoding="utf-8")
    recorder = Recorder()
    result = train(fast_config(data, tiny_model, tmp_path / "run", epochs=3), recorder)

    assert result.metrics["task"] == "toy-classification"
    assert result.metrics["main_metric"] == "hits"
    assert result.metrics["score"] == result.metrics["hits"]
    evaluations = recorder.of(Evaluated)
    assert evaluations and all("hits" in e.metrics for e in evaluations)
    saved = json.loads((tmp_path / "run" / "config.json").read_text(encoding="utf-8"))
    assert saved["task"] == "toy-classification"
    meta = json.loads((result.model_dir / "strop.json").read_text(encoding="utf-8"))
    assert meta["task"] == "toy-classification"

    assert main(["predict", "--model", str(tmp_path / "run"), "good movie"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["text"] == "good movie" and line["label"] in ("pos", "neg")
