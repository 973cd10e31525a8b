"""Check a built Strop app: the window appears, and every task trains, predicts and exports.

    python packaging/check_build.py [--display xvfb|offscreen] [--screenshot FILE]

What it does, with a throw-away ``STROP_HOME`` so nothing of the user's is touched:

1. **Window.** Launches the built executable the way a double-click does: no terminal, and on
   Linux with standard output and error closed (``sys.stdout is None`` inside, as on Windows).
   The app writes a startup record when its window is shown (``STROP_STARTUP_REPORT``) and
   closes itself (``STROP_QUIT_AFTER_MS``). Under Xvfb (the default where ``Xvfb`` is
   installed) it also checks the window's ``WM_CLASS`` against the ``StartupWMClass`` of
   ``strop.desktop`` and can save a screenshot.
2. **Every task.** Checks that the files no import brings in are bundled (export templates,
   sample, translations, the starter image model the build converted). For each task it
   opens the task's data in the window (``--dataset``, offscreen, debug log) and fails if a
   background task (preview, report, run estimate) failed with anything but Strop's own
   errors; then runs the same executable's ``train`` from the task's bundled starter: text
   classification on the bundled sample (5 steps), token classification on a tiny CoNLL
   file and image classification on a tiny folder of generated images (3 steps each, with
   two spawned data workers); then ``predict`` and ``export`` with each model it made.
3. **Training from the window** (Linux, Xvfb, where AT-SPI and ``pyatspi`` are installed:
   ``apt-get install xvfb at-spi2-core python3-pyatspi``). Starts the app in a private
   D-Bus session with Qt's accessibility bridge on, and drives it by name, as a screen
   reader would: it selects the "Training" tab and presses "Start training" (5 steps, set in
   the app's settings beforehand), then waits for the run's ``model/``.
4. **Log.** The app's log file is in the user log folder.

Prints one line per check and a JSON summary; the exit status is 0 when every check passed
(a check that cannot run here, such as step 3 without AT-SPI, is reported as skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ROOT, app_path, cli_executable, executable, folder_size  # noqa: E402

WINDOW_TIMEOUT_S = 180
TRAIN_TIMEOUT_S = 900


class Checks:
    def __init__(self) -> None:
        self.results: list[dict[str, object]] = []

    def record(self, name: str, ok: bool, detail: str = "", **data: object) -> bool:
        self.results.append({"check": name, "ok": ok, "detail": detail, **data})
        print(f"[{'PASS' if ok else 'FAIL'}] {name}: {detail}", flush=True)
        return ok

    def skip(self, name: str, why: str) -> None:
        self.results.append({"check": name, "ok": None, "detail": why})
        print(f"[SKIP] {name}: {why}", flush=True)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r["ok"] is not False for r in self.results)


def _close_stdio() -> None:  # runs in the child before exec: a double-clicked app's stdio
    os.close(1)
    os.close(2)


@contextlib.contextmanager
def xvfb(display: str = ":97") -> Iterator[str]:
    """A virtual X server for the length of the block."""
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
        deadline = time.monotonic() + 20
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wm_classes(display: str) -> str:
    if not shutil.which("xwininfo"):
        return ""
    out = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return out.stdout


def _desktop_wm_class() -> str:
    for line in (ROOT / "packaging" / "linux" / "strop.desktop").read_text().splitlines():
        if line.startswith("StartupWMClass="):
            return line.split("=", 1)[1].strip()
    return ""


def check_window(
    checks: Checks,
    exe: Path,
    env: dict[str, str],
    mode: str,
    screenshot: Path | None,
    settle: float = 4.0,
) -> None:
    report = Path(env["STROP_HOME"]) / "startup.json"
    env = dict(env, STROP_STARTUP_REPORT=str(report))
    display = None
    with contextlib.ExitStack() as stack:
        if mode == "xvfb":
            display = stack.enter_context(xvfb())
            env.update(DISPLAY=display, STROP_QUIT_AFTER_MS=str(int(settle * 1000) + 10_000))
            env.pop("QT_QPA_PLATFORM", None)
        else:
            env.update(QT_QPA_PLATFORM="offscreen", STROP_QUIT_AFTER_MS="3000")
        started, launched = time.monotonic(), time.time()
        closed_stdio = sys.platform.startswith("linux")
        proc = subprocess.Popen(
            [str(exe)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_close_stdio if closed_stdio else None,  # noqa: PLW1509
        )
        classes, shot = "", None
        deadline = started + WINDOW_TIMEOUT_S
        while proc.poll() is None and not report.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if display and report.exists() and proc.poll() is None:
            time.sleep(settle)  # let the first background tasks fill the tabs
            classes = _wm_classes(display)
            if screenshot is not None:
                shot = _screenshot(display, screenshot)
        try:
            rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = None
        seconds = time.monotonic() - started
    record = json.loads(report.read_text()) if report.exists() else {}
    from_launch = record["shown"] - launched if record else float("nan")
    checks.record(
        "window appears",
        bool(record) and rc == 0,
        f"shown {from_launch:.2f} s after launch ({record.get('seconds_to_show', float('nan')):.2f}"
        f" s after Python started; {mode}{', stdout/stderr closed' if closed_stdio else ''}); exit status {rc} "
        f"after {seconds:.1f} s; heavy modules at show: {record.get('heavy_modules_at_show')}",
        seconds_from_launch=round(from_launch, 2),
        seconds_to_show=record.get("seconds_to_show"),
        exit_status=rc,
    )
    if display:
        wanted = _desktop_wm_class()
        checks.record(
            "WM_CLASS matches StartupWMClass",
            f'"{wanted}")' in classes,
            f"StartupWMClass={wanted}; windows: "
            + "; ".join(line.strip() for line in classes.splitlines() if wanted in line)[:300],
        )
    if screenshot is not None and display is None:
        checks.skip("screenshot", "needs Xvfb (the offscreen platform draws to no screen)")
    elif screenshot is not None:
        checks.record("screenshot", shot is not None, str(shot or "could not grab the screen"))


def _screenshot(display: str, path: Path) -> Path | None:
    try:
        from PIL import ImageGrab
    except ImportError:
        return None
    try:
        image = ImageGrab.grab(xdisplay=display)
    except OSError:
        return None
    box = image.getbbox()  # the window, without the empty desktop around it
    if box:
        image = image.crop(box)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, float]:
    started = time.monotonic()
    out = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )
    return out.returncode, out.stdout + out.stderr, time.monotonic() - started


def check_bundle(checks: Checks, app: Path) -> None:
    """What each task needs at run time and PyInstaller cannot see in the imports: the export
    templates, the sample, the translations and the starter image model, converted at build
    time (its marker says the conversion checked itself)."""
    wanted = [
        "export/model_card.md",
        *(f"export/predict_{task.replace('-', '_')}.py" for task in TASKS),
        "sample/sentiment_sentences.csv",
        "translations/strop_zh_CN.qm",
        *(f"models/starter-image/{name}" for name in STARTER_IMAGE_FILES),
    ]
    resources = next(
        (p.parent.parent for p in app.rglob("model_card.md") if p.parent.name == "export"), None
    )
    missing = [rel for rel in wanted if resources is None or not (resources / rel).is_file()]
    marker = resources / "models" / "starter-image" / "strop_starter.json" if resources else None
    starter = json.loads(marker.read_text()) if marker and marker.is_file() else {}
    checks.record(
        "every task's resources bundled",
        not missing,
        f"missing from {resources}: {', '.join(missing)}"
        if missing
        else f"{len(wanted)} files in {resources}; the starter image model converted at build "
        f"time (max abs logit difference {starter.get('max_abs_diff', float('nan')):.1e})",
    )


#: The tasks the built app must train, predict with and export, each from its bundled starter.
TASKS = ("text-classification", "token-classification", "image-classification")
#: The converted starter image model's folder (``strop_starter.json``: the conversion's check).
STARTER_IMAGE_FILES = (
    "config.json", "model.safetensors", "preprocessor_config.json", "strop_starter.json"
)  # fmt: skip


#: A tiny CoNLL file (word TAB tag, blank line between sentences) for the token task.
_CONLL_SENTENCES = (
    [("Alice", "B-PER"), ("lives", "O"), ("in", "O"), ("Paris", "B-LOC"), (".", "O")],
    [("Bob", "B-PER"), ("Smith", "I-PER"), ("visited", "O"), ("Berlin", "B-LOC")],
    [("The", "O"), ("weather", "O"), ("in", "O"), ("Rome", "B-LOC"), ("is", "O"), ("mild", "O")],
    [("Carol", "B-PER"), ("met", "O"), ("Dave", "B-PER"), ("in", "O"), ("Oslo", "B-LOC")],
)


def write_conll(path: Path, copies: int = 6) -> Path:
    """A CoNLL file of ``4 * copies`` sentences: enough for a split and a few steps."""
    blocks = [
        "\n".join(f"{word}\t{tag}" for word, tag in sentence)
        for _ in range(copies)
        for sentence in _CONLL_SENTENCES
    ]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def write_image_folder(root: Path, per_class: int = 8) -> Path:
    """A folder of two class subfolders of small generated PNGs (red and blue squares)."""
    from PIL import Image

    for label, colour in (("red", (220, 30, 30)), ("blue", (30, 40, 220))):
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            image = Image.new("RGB", (64 + 4 * i, 64), colour)
            image.putpixel((i, i), (255, 255, 255))
            image.save(root / label / f"{label}{i}.png")
    return root


def background_failures(log_text: str) -> list[str]:
    """The window's background tasks that failed with anything but Strop's own errors (which
    the window shows as messages): ``name: Type: message`` from a ``--debug`` log."""
    records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", log_text)
    found = []
    for record in records:
        match = re.search(r"gui\.worker: task (\S+) failed", record)
        last = record.strip().splitlines()[-1] if record.strip() else ""
        if match and not last.startswith("engine.errors."):
            found.append(f"{match.group(1)}: {last}")
    return found


def check_window_opens(
    checks: Checks, exe: Path, env: dict[str, str], task: str, data: Path
) -> None:
    """Open ``data`` in the window (``--dataset``, offscreen, debug log) and let its background
    work run (preview, report, the run estimate): a failure there shows in no exit status."""
    home = Path(env["STROP_HOME"]) / f"window-{task}"
    run_env = dict(env, STROP_HOME=str(home), QT_QPA_PLATFORM="offscreen",
                   STROP_QUIT_AFTER_MS="40000")  # fmt: skip
    rc, output, seconds = _run([str(exe), "--debug", "--dataset", str(data)], run_env, 300)
    log = home / "logs" / "strop.log"
    failures = background_failures(log.read_text(encoding="utf-8") if log.is_file() else "")
    checks.record(
        f"window opens {task} data",
        rc == 0 and log.is_file() and not failures,
        f"exit status {rc} after {seconds:.0f} s; "
        + ("; ".join(failures)[:600] if failures else "no background task failed"),
    )


def check_task_training(
    checks: Checks, exe: Path, cli: Path, app: Path, env: dict[str, str]
) -> None:
    """Train each task a few steps with the built app's CLI from its bundled starter (the image
    starter ships converted), then predict and export with the model it made; first the
    window opens the same data."""
    home = Path(env["STROP_HOME"])
    samples = sorted(app.rglob("sentiment_sentences.csv"))
    if not checks.record(
        "sample dataset bundled", bool(samples), str(samples[0] if samples else "missing")
    ):
        return
    cases = {
        "text-classification": (
            samples[0],
            5,
            ["I loved this phone, it works great."],
            lambda pred: set(pred.get("scores", {})) == {"negative", "positive"},
        ),
        "token-classification": (
            write_conll(home / "tiny.conll"),
            3,
            ["Alice met Bob in Paris ."],
            lambda pred: isinstance(pred.get("entities"), list),
        ),
        "image-classification": (
            write_image_folder(home / "tiny-images"),
            3,
            [str(home / "tiny-images" / "red" / "red0.png")],
            lambda pred: set(pred.get("scores", {})) == {"blue", "red"},
        ),
    }
    # images are decoded in spawned DataLoader workers on a GPU: a spawned worker re-runs the
    # frozen executable, which only a frozen app can show works, so the check asks for two
    extra = {"image-classification": ["--dataloader-workers", "2"]}
    for task in TASKS:
        data, steps, inputs, looks_right = cases[task]
        check_window_opens(checks, exe, env, task, data)
        run = home / f"check-{task}"
        rc, output, seconds = _run(
            [str(cli), "train", "--data", str(data), "--task", task, "--max-steps", str(steps),
             "--batch-size", "8", "--output", str(run), *extra.get(task, [])],
            env,
            TRAIN_TIMEOUT_S,
        )  # fmt: skip
        metrics_file = run / "metrics.json"
        metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
        ok = rc == 0 and (run / "model" / "config.json").is_file() and bool(metrics)
        main_metric = metrics.get("main_metric", "accuracy")
        workers = ", 2 data workers" if task in extra else ""
        checks.record(
            f"train {task} (bundled starter, {steps} steps{workers})",
            ok,
            f"exit status {rc} in {seconds:.0f} s; {main_metric} {metrics.get(main_metric)} on "
            f"{metrics.get('num_examples')} validation examples"
            + ("" if ok else "\n" + output[-3000:]),
            seconds=round(seconds, 1),
        )
        if not ok:
            continue
        rc, output, seconds = _run([str(cli), "predict", "--model", str(run), *inputs], env, 300)
        lines = [line for line in output.splitlines() if line.startswith("{")]
        pred = json.loads(lines[-1]) if lines else {}
        checks.record(
            f"predict with the {task} model",
            rc == 0 and bool(pred) and looks_right(pred),
            (json.dumps(pred)[:200] if pred else output[-1000:]) + f" ({seconds:.0f} s)",
        )
        exported = home / f"exported-{task}"
        rc, output, seconds = _run(
            [str(cli), "export", "--run", str(run), "--out", str(exported)], env, 600
        )
        onnx = next((line for line in output.splitlines() if line.startswith("ONNX:")), "")
        files = sorted(p.name for p in exported.iterdir()) if exported.is_dir() else []
        checks.record(
            f"export the {task} model",
            rc == 0 and {"README.md", "predict.py", "config.json"} <= set(files),
            f"{' '.join(onnx.split()) or 'no ONNX line'}; {len(files)} files ({seconds:.0f} s)"
            + ("" if rc == 0 else "\n" + output[-2000:]),
        )


# Runs under a Python that has pyatspi (the system's): finds the app on the accessibility
# bus, selects the Training tab and presses "Start training"; prints what it did as JSON.
_DRIVER = r"""
import json, sys, time
import pyatspi

def find(node, role, name):
    try:
        if node.getRoleName() == role and node.name == name:
            return node
        for i in range(node.childCount):
            found = find(node.getChildAtIndex(i), role, name)
            if found is not None:
                return found
    except Exception:
        pass
    return None

deadline = time.monotonic() + float(sys.argv[1])
tab = button = None
while time.monotonic() < deadline and button is None:
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "Strop":
            tab = find(app, "page tab", "Training")
            button = find(app, "push button", "Start training")
    if button is None:
        time.sleep(1)
if button is None:
    print(json.dumps({"pressed": False, "why": "no 'Start training' button on the bus"}))
    sys.exit(1)
if tab is not None:
    tab.queryAction().doAction(0)
    time.sleep(1)
enabled = button.getState().contains(pyatspi.STATE_ENABLED)
button.queryAction().doAction(0)
print(json.dumps({"pressed": True, "tab": tab is not None, "enabled": enabled}))
"""


def _atspi_python() -> str | None:
    for candidate in ("/usr/bin/python3", sys.executable):
        if Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import pyatspi"], capture_output=True, timeout=60
            )
            if probe.returncode == 0:
                return candidate
    return None


def _atspi_launcher() -> str | None:
    for path in ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher"):
        if Path(path).exists():
            return path
    return None


def check_window_training(checks: Checks, exe: Path, app: Path, env: dict[str, str]) -> None:
    name = "training from the window (Training tab, Start training, 5 steps)"
    python, launcher = _atspi_python(), _atspi_launcher()
    if not (sys.platform.startswith("linux") and shutil.which("Xvfb") and python and launcher
            and shutil.which("dbus-daemon")):  # fmt: skip
        checks.skip(name, "needs Linux with Xvfb, dbus-daemon, at-spi2-core and python3-pyatspi")
        return
    home = Path(env["STROP_HOME"]) / "window-run"
    home.mkdir(parents=True)
    (home / "settings.ini").write_text("[training]\nmax_steps=5\nbatch_size=8\n")
    sample = sorted(app.rglob("sentiment_sentences.csv"))[0]
    driver = home / "drive.py"
    driver.write_text(_DRIVER)
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    address, pid = bus.stdout.split()[:2]
    env = dict(env, STROP_HOME=str(home), DBUS_SESSION_BUS_ADDRESS=address,
               QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", STROP_QUIT_AFTER_MS=str(TRAIN_TIMEOUT_S * 1000))  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs: list[subprocess.Popen[bytes]] = []
    started = time.monotonic()
    try:
        with xvfb(":96") as display:
            env.update(DISPLAY=display)
            env.pop("QT_QPA_PLATFORM", None)
            procs.append(subprocess.Popen([launcher, "--launch-immediately"], env=env, **quiet))
            time.sleep(1)
            procs.append(subprocess.Popen([str(exe), "--dataset", str(sample)], env=env, **quiet))
            drive = subprocess.run(
                [python, str(driver), "120"], env=env, capture_output=True, text=True, timeout=300
            )
            models: list[Path] = []
            deadline = time.monotonic() + TRAIN_TIMEOUT_S
            while drive.returncode == 0 and not models and time.monotonic() < deadline:
                time.sleep(2)
                models = [
                    m for m in (home / "runs").glob("*/model/config.json")
                    if json.loads((m.parent.parent / "status.json").read_text()).get("state")
                    == "finished"
                ]  # fmt: skip
            seconds = time.monotonic() - started
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), 15)
    metrics = {}
    if models:
        metrics = json.loads((models[0].parent.parent / "metrics.json").read_text())
    checks.record(
        name,
        bool(models),
        f"{drive.stdout.strip() or drive.stderr.strip()[-300:]}; "
        + (
            f"run finished {seconds:.0f} s after launch, step {metrics.get('step')}, "
            f"accuracy {metrics.get('accuracy')}: {models[0].parent}"
            if models
            else "no finished run"
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_mode = "xvfb" if shutil.which("Xvfb") else "offscreen"
    parser.add_argument("--display", choices=("xvfb", "offscreen"), default=default_mode)
    parser.add_argument("--screenshot", type=Path, help="save the window (Xvfb only) as a PNG")
    parser.add_argument(
        "--settle", type=float, default=4.0, help="seconds between the window and the screenshot"
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="the build's dist/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary STROP_HOME")
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args(argv)

    exe, app = executable(args.dist), app_path(args.dist)
    if not exe.is_file():
        print(f"No built app at {exe}: run python packaging/build.py first.", file=sys.stderr)
        return 2
    checks = Checks()
    size, files = folder_size(app)
    checks.record("bundle", True, f"{app}: {size / 2**20:,.0f} MiB in {files:,} files",
                  bytes=size, files=files)  # fmt: skip
    check_bundle(checks, app)
    home = Path(tempfile.mkdtemp(prefix="strop-check-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(STROP_HOME=str(home), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    try:
        check_window(checks, exe, env, args.display, args.screenshot, args.settle)
        log = home / "logs" / "strop.log"
        checks.record(
            "log file in the user log folder",
            log.is_file() and log.stat().st_size > 0,
            f"{log} ({log.stat().st_size if log.exists() else 0} bytes)",
        )
        # A start-up task that failed in the background (a race of the first imports did,
        # in the frozen app only) shows in the log, not in an exit status.
        errors = [
            line
            for line in (
                log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
            ).splitlines()
            if " ERROR " in line or " CRITICAL " in line
        ]
        checks.record(
            "no errors logged while the window started",
            not errors,
            "; ".join(errors[:3])[:500] if errors else "none",
        )
        if not args.skip_training:
            check_window_training(checks, exe, app, env)  # skipped where it cannot run
            check_task_training(checks, exe, cli_executable(args.dist), app, env)
    finally:
        if args.keep:
            print(f"STROP_HOME kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"ok": checks.ok, "checks": checks.results}, indent=2, default=str))
    return 0 if checks.ok else 1


if __name__ == "__main__":
    sys.exit(main())
