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
from typing import Any, NoReturn

from engine.distributed import is_main_process, rank, shutdown
from engine.errors import StropError, TrainingError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, status 2, like every bad input
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="strop",
        description="Fine-tune a transformer text classifier on your own data, offline.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="fine-tune a model on labelled data")
    add_setting_flags(t)
    t.add_argument("--config", help="a run config JSON (flags given here override it)")
    t.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --output from its last checkpoint",
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
    p.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="mark predictions whose top probability is below P as uncertain",
    )
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    _add_trust_flags(p)

    r = sub.add_parser("report", help="print the dataset report without training")
    r.add_argument("--data", required=True)
    r.add_argument("--validation")
    r.add_argument("--task", help="the task (default: detected from the data)")
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
    _add_model_commands(sub)
    _add_insight_parsers(sub)
    _add_compare_command(sub)
    return parser


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per declared setting (``TrainConfig.settings()``): its name, type, choices
    and help come from the declaration; every default is ``None`` ("not given"), so a flag
    overrides a ``--config`` file only when given."""
    from engine.config import TrainConfig

    kinds: dict[str, Any] = {"int": int, "float": float}
    for s in TrainConfig.settings():
        if s.flag is None:
            continue
        dest = s.name
        help_text = s.help.replace("%", "%%") + (f" (default: {s.auto})" if s.auto else "")
        if s.type == "bool":
            parser.add_argument(
                s.flag, dest=dest, action="store_true", default=None, help=help_text
            )
            continue
        kind = kinds.get(s.type.split(" |")[0], str)
        extra: dict[str, Any] = {"choices": s.choices} if s.choices else {}
        if s.default not in (None, "") and not s.auto:
            help_text += f" (default: {s.default})"
        parser.add_argument(s.flag, dest=dest, type=kind, help=help_text, **extra)


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
    """The run config: the declared defaults, then the task's own (``Task.defaults``), then a
    ``--config`` file, then the flags given; a value the person gives always wins."""
    from engine import tasks
    from engine.config import TrainConfig

    config = TrainConfig.load(args.config) if args.config else TrainConfig()
    changes = {
        s.name: getattr(args, s.name)
        for s in TrainConfig.settings()
        if s.flag is not None and getattr(args, s.name, None) is not None
    }
    config = config.replace(**changes)
    if args.config or getattr(args, "resume", False) or not config.data:
        return config
    try:
        task = tasks.get(config.task) if config.task else tasks.detect(config.data)
    except Exception:  # noqa: BLE001 - validation and the run report bad data in their words
        return config
    own = {k: v for k, v in task.defaults().items() if k not in changes}
    return config.replace(**own)


class ProgressPrinter:
    """Prints events: a progress line that updates in place on a terminal, plain lines otherwise."""

    def __init__(self, stream: Any = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_plain = 0.0
        self.open_line = False
        self.on_battery = False
        self.battery_warned = False

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
            self._line(event.text)
        elif isinstance(event, ev.RunStarted):
            resumed = (
                f", resumed at step {event.resumed_from_step}" if event.resumed_from_step else ""
            )
            rows = {"image-classification": "images", "token-classification": "sentences"}
            self._line(
                f"Training on {event.device} ({event.precision}): {event.num_train:,} train / {event.num_validation:,} "
                f"validation {rows.get(event.task, 'rows')}, {len(event.labels)} classes, {event.total_steps:,} steps, batch {event.effective_batch_size}{resumed}"
            )
            self._line(f"Run folder: {event.run_dir}")
        elif isinstance(event, ev.PowerChecked):
            self.on_battery = bool(event.on_battery)
            if not event.awake:
                self._line(
                    f"(the computer may sleep during the run: {event.detail or event.method})"
                )
        elif isinstance(event, ev.StepLogged):
            if self.on_battery and not self.battery_warned and (event.eta or 0) > 600:
                self.battery_warned = True
                self._line(
                    f"warning: running on battery, and the run needs about {_duration(event.eta or 0)} "
                    "more: plug the computer in (training drains a battery fast); going on."
                )
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
            shown = {"accuracy": event.accuracy, "macro F1": event.macro_f1}
            main = next((k for k in event.metrics if k.startswith("entity_f1")), None)
            if main:
                shown = {"entity F1": event.metrics[main], **shown}
            figures = "  ".join(f"{name} {value:.4f}" for name, value in shown.items())
            self._line(f"  validation at step {event.step}: loss {event.loss:.4f}  {figures}")
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
    if not args.resume and is_main_process():
        _warn_language_mismatch(config)
    stop = threading.Event()
    _install_stop_signals(stop)
    main = is_main_process()  # under torchrun / accelerate launch only rank 0 prints progress
    printer = ProgressPrinter(quiet=args.quiet or not main)

    result = train(config, printer, stop, resume=args.resume)
    shutdown()  # under torchrun: leave the process group together before exiting
    if result.metrics and main:
        m = result.metrics
        shown = [k for k in ("accuracy", "macro_f1", m.get("main_metric")) if k and k in m]
        figures = ", ".join(f"{k.replace('_', ' ')} {m[k]:.4f}" for k in dict.fromkeys(shown))
        print(f"\nFinished: {figures} on {m.get('num_examples', 0):,} validation examples")
        print(f"Model saved in {result.model_dir}")
        keys = ("accuracy", "macro_precision", "macro_recall", "macro_f1", m.get("main_metric"))
        print(json.dumps({k: m[k] for k in dict.fromkeys(keys) if k and k in m}))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from engine import tasks
    from engine.predict import resolve_model_dir

    model_dir = resolve_model_dir(args.model)
    options: dict[str, Any] = {
        "device": args.device,
        "allow_pickle": args.allow_pickle,
        "trust_remote_code": args.trust_remote_code,
    }
    if args.text_column:
        options["text_column"] = args.text_column
    if args.label_column:
        options["label_column"] = args.label_column
    metrics = tasks.for_model(model_dir).evaluate(model_dir, args.data, **options)
    print(json.dumps(metrics, ensure_ascii=False))
    return EXIT_OK


def cmd_predict(args: argparse.Namespace) -> int:
    from engine import tasks
    from engine.errors import ConfigError
    from engine.predict import resolve_model_dir

    if not args.texts and not args.file:
        raise ConfigError(
            "Nothing to predict.", hint="Give texts as arguments, or --file FILE --out FILE.csv."
        )
    if args.file and not args.out:
        raise ConfigError("--file needs --out FILE.csv for the predictions.")
    model_dir = resolve_model_dir(args.model)
    predictor = tasks.for_model(model_dir).load_predictor(
        model_dir,
        device=args.device,
        allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )
    if args.min_confidence is not None and not 0 <= args.min_confidence <= 1:
        raise ConfigError("--min-confidence must be between 0 and 1.")
    wanted = {"min_confidence": args.min_confidence} if args.min_confidence is not None else {}
    found = (
        predictor.predict(args.texts, batch_size=args.batch_size, **wanted) if args.texts else []
    )
    for pred in found:
        print(json.dumps(pred.to_dict(), ensure_ascii=False))
    if args.file:
        n = predictor.predict_file(
            args.file,
            args.out,
            text_column=args.text_column,
            batch_size=args.batch_size,
            **wanted,
        )
        print(f"Wrote {n:,} predictions to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from engine.config import TrainConfig
    from engine.training import prepare_run

    config = TrainConfig(
        data=args.data, validation=args.validation, task=args.task, text_column=args.text_column,
        label_column=args.label_column, model=args.model, max_length=args.max_length,
        allow_pickle=args.allow_pickle, trust_remote_code=args.trust_remote_code,
    ).validate()  # fmt: skip
    report = prepare_run(config).report
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


# ----- models, import-model -----------------------------------------------------------------
def _add_model_commands(sub: Any) -> None:
    """``models``: the built-in catalogue; ``import-model``: a model copied from elsewhere."""
    m = sub.add_parser("models", help="list well-known models for a language, and which are here")
    m.add_argument("--language", help="ISO 639-1 code of the data's language (e.g. en, zh)")
    i = sub.add_parser("import-model", help="copy a model folder or .zip into Strop's model folder")
    i.add_argument("path", help="a model folder, a Hugging Face cache folder or a .zip")
    i.add_argument("--name", help="the name to give it (default: from its config or file)")
    i.add_argument("--replace", action="store_true", help="replace a model of the same name")
    i.add_argument(
        "--allow-pickle", action="store_true", help="allow pickled pytorch_model.bin weights"
    )


def cmd_models(args: argparse.Namespace) -> int:
    from engine.catalogue import list_models

    for row in list_models(args.language):
        print(json.dumps(row, ensure_ascii=False))
    return EXIT_OK


def cmd_import_model(args: argparse.Namespace) -> int:
    from engine.model_import import import_model

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rCopying {done / 1e6:,.0f} of {total / 1e6:,.0f} MB")

    dest = import_model(
        args.path,
        allow_pickle=args.allow_pickle,
        replace=args.replace,
        name=args.name,
        progress=progress,
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    print(dest)
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


# ----- compare, and the language warning of train ------------------------------------------
def _add_compare_command(sub: Any) -> None:
    """``compare``: short trials of models x strategies within a time budget, plus a baseline."""
    from engine.compare import DEFAULT_BUDGET, DEFAULT_STRATEGIES

    c = sub.add_parser(
        "compare",
        help="try models and strategies briefly on your data and recommend one (JSON lines)",
    )
    c.add_argument("--data", required=True)
    c.add_argument("--validation")
    c.add_argument("--text-column")
    c.add_argument("--label-column")
    c.add_argument(
        "--models",
        help="comma-separated models as --model takes them (default: the starter plus every "
        "model on this computer whose vocabulary fits the data's language)",
    )
    c.add_argument(
        "--strategies",
        default=",".join(DEFAULT_STRATEGIES),
        help=f"comma-separated strategies (default: {','.join(DEFAULT_STRATEGIES)})",
    )
    c.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help=f"seconds for the whole comparison (default: {DEFAULT_BUDGET:g})",
    )
    c.add_argument("--seed", type=int, default=42)
    _add_trust_flags(c)


def cmd_compare(args: argparse.Namespace) -> int:
    from engine.compare import compare

    stop = threading.Event()
    _install_stop_signals(stop)

    def show(result: Any) -> None:
        print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)

    models = args.models.split(",") if args.models is not None else None
    result = compare(
        args.data, validation=args.validation, models=models, strategies=args.strategies,
        budget=args.budget, on_result=show, stop=stop, text_column=args.text_column,
        label_column=args.label_column, seed=args.seed, allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )  # fmt: skip
    print(json.dumps(result.summary(), ensure_ascii=False), flush=True)
    return EXIT_OK


def _warn_language_mismatch(config: Any) -> None:
    """Before ``train``: when the model's vocabulary does not fit the data's language, say
    so on stderr (unknown share, the baseline's score, models for the language) and go on:
    a script must never hang on a question. Any problem reading data or model is left to
    ``train``, which reports it properly."""
    from engine import tasks
    from engine.compare import TEXT_TASK, check_language

    try:
        task = tasks.get(config.task) if config.task else tasks.detect(config.data)
        if task.name != TEXT_TASK:
            return
        check = check_language(
            config.data, config.model, validation=config.validation,
            text_column=config.text_column, label_column=config.label_column,
            allow_pickle=config.allow_pickle, trust_remote_code=config.trust_remote_code,
            seed=config.seed, with_baseline=False,  # the run fits it and prints its score
        )  # fmt: skip
    except StropError:
        return
    if check.mismatch:  # with the run's progress on stdout; stderr keeps its one error line
        print(check.warning(), flush=True)


COMMANDS = {
    "compare": cmd_compare,
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "report": cmd_report,
    "runs": cmd_runs,
    "export": cmd_export,
    "models": cmd_models,
    "import-model": cmd_import_model,
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
