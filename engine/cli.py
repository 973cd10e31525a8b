"""The headless command line: ``python main.py train | evaluate | predict | report | runs | export``.

Bad input exits with status 2 and one line on stderr naming the file and the row or column;
a run that fails while training exits with status 1. ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from engine.distributed import is_main_process, rank, shutdown
from engine.errors import StropError, TrainingError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

# Flags of `train` that map one-to-one onto TrainConfig fields.
_TRAIN_FLAGS = {
    "data": "data", "validation": "validation", "text_column": "text_column",
    "label_column": "label_column", "model": "model", "output": "output", "epochs": "epochs",
    "batch_size": "batch_size", "learning_rate": "learning_rate", "max_length": "max_length",
    "strategy": "strategy", "device": "device", "precision": "precision", "seed": "seed",
    "validation_split": "validation_split", "gradient_accumulation": "gradient_accumulation",
    "warmup_ratio": "warmup_ratio", "weight_decay": "weight_decay", "max_steps": "max_steps",
    "early_stopping": "early_stopping_patience", "eval_steps": "eval_steps",
    "save_steps": "save_steps", "logging_steps": "logging_steps",
    "allow_pickle": "allow_pickle", "trust_remote_code": "trust_remote_code",
}  # fmt: skip


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2, like every bad input
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="strop",
        description="Fine-tune a transformer text classifier on your own data, offline.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="fine-tune a model on a labelled data file")
    t.add_argument(
        "--data", help="training data: CSV, TSV, JSON, JSON Lines, Parquet or a save_to_disk folder"
    )
    t.add_argument(
        "--validation", help="a separate validation file (default: hold out a stratified split)"
    )
    t.add_argument(
        "--validation-split", type=float, help="share held out for validation (default 0.1)"
    )
    t.add_argument("--text-column", help="text column (default: detected)")
    t.add_argument("--label-column", help="label column (default: detected)")
    t.add_argument(
        "--model", help="'starter' (default), a model folder, or a Hugging Face model id"
    )
    t.add_argument("--output", help="run folder (default: a new folder under the user data dir)")
    t.add_argument("--epochs", type=float)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--learning-rate", type=float)
    t.add_argument("--max-length", type=int, help="tokens per text (default: from the data)")
    t.add_argument("--strategy", help="full | top-layers:N | head")
    t.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    t.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"))
    t.add_argument("--seed", type=int)
    t.add_argument("--gradient-accumulation", type=int)
    t.add_argument("--warmup-ratio", type=float)
    t.add_argument("--weight-decay", type=float)
    t.add_argument("--max-steps", type=int)
    t.add_argument(
        "--early-stopping", type=int, help="patience in evaluations; 0 turns it off (default 3)"
    )
    t.add_argument("--eval-steps", type=int)
    t.add_argument("--save-steps", type=int)
    t.add_argument("--logging-steps", type=int)
    t.add_argument("--config", help="a run config JSON (flags given here override it)")
    t.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --output from its last checkpoint",
    )
    t.add_argument(
        "--allow-pickle",
        action="store_true",
        default=None,
        help="allow pickled pytorch_model.bin weights",
    )
    t.add_argument(
        "--trust-remote-code",
        action="store_true",
        default=None,
        help="allow the model's own Python code",
    )
    t.add_argument(
        "--download",
        action="store_true",
        help="allow downloading the model from the Hugging Face hub",
    )
    t.add_argument("--quiet", action="store_true", help="print only the final metrics")

    e = sub.add_parser("evaluate", help="evaluate a trained model on a labelled file")
    e.add_argument("--model", required=True, help="a model folder or run folder")
    e.add_argument("--data", required=True)
    e.add_argument("--text-column")
    e.add_argument("--label-column")
    e.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    _add_trust_flags(e)

    p = sub.add_parser("predict", help="predict texts with a trained model")
    p.add_argument("--model", required=True, help="a model folder or run folder")
    p.add_argument("texts", nargs="*", metavar="TEXT")
    p.add_argument("--file", help="a data file of texts to predict")
    p.add_argument("--out", help="CSV to write the predictions of --file to")
    p.add_argument("--text-column")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    _add_trust_flags(p)

    r = sub.add_parser("report", help="print the dataset report without training")
    r.add_argument("--data", required=True)
    r.add_argument("--validation")
    r.add_argument("--text-column")
    r.add_argument("--label-column")
    r.add_argument("--model", default="starter")
    r.add_argument("--max-length", type=int)
    r.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_trust_flags(r)

    sub.add_parser("runs", help="list past runs")

    x = sub.add_parser(
        "export", help="export a finished run: model, ONNX, label map, model card, predict.py"
    )
    x.add_argument("--run", required=True, help="the run folder to export")
    x.add_argument("--out", required=True, help="the new folder to write (must not exist)")
    x.add_argument("--zip", action="store_true", help="also write OUT.zip")
    x.add_argument("--no-onnx", action="store_true", help="leave out the ONNX export")
    _add_insight_parsers(sub)
    return parser


def _add_insight_parsers(sub: Any) -> None:
    """``explain`` and ``suspects``: why the model chose a label; which labels look wrong."""
    ex = sub.add_parser("explain", help="which words made the model choose its label")
    ex.add_argument("--model", required=True, help="a model folder or run folder")
    ex.add_argument("texts", nargs="*", metavar="TEXT")
    ex.add_argument("--file", help="a data file (the model's text column) or one text per line")
    ex.add_argument("--text-column")
    ex.add_argument("--out", help="JSON Lines file to write the explanations to")
    ex.add_argument("--steps", type=int, help="integration steps (more: slower, more exact)")
    ex.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda", "mps"))
    _add_trust_flags(ex)

    su = sub.add_parser("suspects", help="rows of a run's data whose label looks wrong")
    su.add_argument("--run", required=True, help="the run folder")
    su.add_argument("--top", type=int, help="the K most suspect rows (default: those flagged)")
    su.add_argument("--out", help="CSV to write (row,text,label,suggested,score)")
    su.add_argument("--data", help="the run's data file, if it moved")
    su.add_argument(
        "--judge",
        choices=("baseline", "embeddings", "model", "both", "all"),
        help="whose probabilities judge the labels (default: all, or embeddings without a model)",
    )
    su.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))


def _add_trust_flags(parser: argparse.ArgumentParser) -> None:
    """The two opt-ins of a model that is not loaded by default (as `train` has them)."""
    parser.add_argument(
        "--allow-pickle", action="store_true", help="allow pickled pytorch_model.bin weights"
    )
    parser.add_argument(
        "--trust-remote-code", action="store_true", help="allow the model's own Python code"
    )


# ----- train ------------------------------------------------------------------------------
def config_from_args(args: argparse.Namespace) -> Any:
    from engine.config import TrainConfig

    config = TrainConfig.load(args.config) if args.config else TrainConfig()
    changes = {
        field: getattr(args, flag)
        for flag, field in _TRAIN_FLAGS.items()
        if getattr(args, flag, None) is not None
    }
    return config.replace(**changes)


class ProgressPrinter:
    """Prints events: a progress line that updates in place on a terminal, plain lines otherwise."""

    def __init__(self, stream: Any = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_plain = 0.0
        self.open_line = False

    def _line(self, text: str) -> None:
        if self.open_line:
            self.stream.write("\n")
            self.open_line = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def __call__(self, event: Any) -> None:
        from engine import events as ev

        if self.quiet:
            return
        if isinstance(event, ev.PhaseChanged):
            self._line(f"... {event.message}")
        elif isinstance(event, ev.ReportReady):
            from engine.report import DatasetReport

            self._line(DatasetReport.from_dict(event.report).format_text())
        elif isinstance(event, ev.RunStarted):
            resumed = (
                f", resumed at step {event.resumed_from_step}" if event.resumed_from_step else ""
            )
            self._line(
                f"Training on {event.device} ({event.precision}): {event.num_train:,} train / {event.num_validation:,} "
                f"validation rows, {len(event.labels)} classes, {event.total_steps:,} steps, batch {event.effective_batch_size}{resumed}"
            )
            self._line(f"Run folder: {event.run_dir}")
        elif isinstance(event, ev.StepLogged):
            eta = _duration(event.eta) if event.eta is not None else "?"
            text = (
                f"step {event.step:>6}/{event.total_steps}  epoch {event.epoch:5.2f}  loss {event.loss:.4f}  "
                f"{event.samples_per_second:7.1f} samples/s  ETA {eta}"
            )
            if self.tty:
                self.stream.write("\r" + text.ljust(100))
                self.stream.flush()
                self.open_line = True
            elif time.monotonic() - self.last_plain > 2.0 or event.step == event.total_steps:
                self.last_plain = time.monotonic()
                self._line(text)
        elif isinstance(event, ev.Evaluated):
            self._line(
                f"  validation at step {event.step}: loss {event.loss:.4f}  accuracy {event.accuracy:.4f}  macro F1 {event.macro_f1:.4f}"
            )
        elif isinstance(event, ev.RunStopped):
            where = f"; resume from {event.checkpoint}" if event.checkpoint else ""
            self._line(f"Stopped at step {event.step}{where}")
        elif isinstance(event, ev.RunFailed):
            pass  # printed once, by main(), as the error line


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _install_stop_signals(stop: threading.Event) -> None:
    """First Ctrl+C / SIGTERM: stop gracefully with a checkpoint. Second Ctrl+C: abort."""

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        if is_main_process():  # under torchrun every rank gets the signal; one says so
            sys.stderr.write("\nStopping after the current step (a checkpoint will be saved)...\n")

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)


def cmd_train(args: argparse.Namespace) -> int:
    from engine.training import train

    config = config_from_args(args)
    if args.resume and not config.output:
        from engine.errors import RunFolderError

        raise RunFolderError("--resume needs --output RUN_FOLDER (the run to continue).")
    if not args.resume:
        config.validate()
    if args.download:
        from engine.models import resolve_model

        resolve_model(
            config.model,
            allow_download=True,
            allow_pickle=config.allow_pickle,
            trust_remote_code=config.trust_remote_code,
        )
    stop = threading.Event()
    _install_stop_signals(stop)
    main = is_main_process()  # under torchrun / accelerate launch only rank 0 prints progress
    printer = ProgressPrinter(quiet=args.quiet or not main)

    result = train(config, printer, stop, resume=args.resume)
    shutdown()  # under torchrun: leave the process group together before exiting
    if result.metrics and main:
        m = result.metrics
        print(
            f"\nFinished: accuracy {m['accuracy']:.4f}, macro F1 {m['macro_f1']:.4f} on {m['num_examples']:,} validation rows"
        )
        print(f"Model saved in {result.model_dir}")
        print(
            json.dumps(
                {k: m[k] for k in ("accuracy", "macro_precision", "macro_recall", "macro_f1")}
            )
        )
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from engine.predict import evaluate

    metrics = evaluate(
        args.model,
        args.data,
        text_column=args.text_column,
        label_column=args.label_column,
        device=args.device,
        allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )
    print(json.dumps(metrics, ensure_ascii=False))
    return EXIT_OK


def cmd_predict(args: argparse.Namespace) -> int:
    from engine.errors import ConfigError
    from engine.predict import Predictor

    if not args.texts and not args.file:
        raise ConfigError(
            "Nothing to predict.", hint="Give texts as arguments, or --file FILE --out FILE.csv."
        )
    if args.file and not args.out:
        raise ConfigError("--file needs --out FILE.csv for the predictions.")
    predictor = Predictor(
        args.model,
        device=args.device,
        allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )
    for pred in predictor.predict(args.texts, batch_size=args.batch_size) if args.texts else []:
        print(json.dumps(pred.to_dict(), ensure_ascii=False))
    if args.file:
        n = predictor.predict_file(
            args.file, args.out, text_column=args.text_column, batch_size=args.batch_size
        )
        print(f"Wrote {n:,} predictions to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from engine.config import TrainConfig
    from engine.training import prepare_run

    config = TrainConfig(
        data=args.data, validation=args.validation, text_column=args.text_column,
        label_column=args.label_column, model=args.model, max_length=args.max_length,
        allow_pickle=args.allow_pickle, trust_remote_code=args.trust_remote_code,
    ).validate()  # fmt: skip
    report = prepare_run(config)[-1]
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.format_text())
    return EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    from datetime import datetime

    from engine.runs import list_runs

    for info in list_runs():
        when = datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M")
        acc = f"{info.accuracy:.3f}" if info.accuracy is not None else "-"
        f1 = f"{info.macro_f1:.3f}" if info.macro_f1 is not None else "-"
        print(f"{when}  {info.state.value:<11}  acc {acc}  F1 {f1}  {info.path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from engine.export import export_run

    def progress(done: int, total: int, message: str) -> None:
        print(f"[{done + 1}/{total}] {message}...", file=sys.stderr, flush=True)

    result = export_run(
        args.run, args.out, onnx=not args.no_onnx, make_zip=args.zip, progress=progress
    )
    print(result.summary())
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from engine.errors import ConfigError
    from engine.explain import DEFAULT_STEPS, Explainer, read_explain_texts

    if not args.texts and not args.file:
        raise ConfigError("Nothing to explain.", hint="Give texts as arguments, or --file FILE.")
    explainer = Explainer(
        args.model,
        device=args.device,
        allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )
    texts = list(args.texts)
    if args.file:
        column = args.text_column or explainer.predictor.meta.get("text_column")
        texts += read_explain_texts(args.file, column)
    out = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115
    try:
        for text in texts:
            (explanation,) = explainer.explain([text], steps=args.steps or DEFAULT_STEPS)
            line = json.dumps(explanation.to_dict(), ensure_ascii=False)
            print(line, file=out or sys.stdout, flush=out is None)
    finally:
        if out:
            out.close()
    if args.out:
        print(f"Wrote {len(texts):,} explanations to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_suspects(args: argparse.Namespace) -> int:
    import csv

    from engine.suspects import find_suspects, write_suspects_csv

    suspects = find_suspects(
        args.run,
        top=args.top,
        judge=args.judge,
        data=args.data,
        device=args.device,
    )
    if args.out:
        write_suspects_csv(suspects, args.out)
        print(f"Wrote {len(suspects):,} suspect rows to {args.out}", file=sys.stderr)
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["row", "text", "label", "suggested", "score"])
        for s in suspects:
            writer.writerow([s.row, s.text, s.label, s.suggested, f"{s.score:.6f}"])
    return EXIT_OK


COMMANDS = {
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "report": cmd_report,
    "runs": cmd_runs,
    "export": cmd_export,
    "explain": cmd_explain,
    "suspects": cmd_suspects,
}


def _prog() -> str:
    """``strop``; under several processes the ranks other than 0 say which they are."""
    return "strop" if is_main_process() else f"strop (rank {rank()})"


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; returns the exit status."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "download", False):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never wait on a network timeout
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")  # and send nothing, ever
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return COMMANDS[args.command](args)
    except TrainingError as exc:
        if args.debug:
            raise
        print(f"{_prog()}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except StropError as exc:
        if args.debug:
            raise
        print(f"{_prog()}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("strop: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
