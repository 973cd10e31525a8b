"""Strop's entry point. Thin on purpose: the window appears before torch is imported.

python main.py                         open the window
python main.py --dataset FILE [--model PATH]   open the window with these preloaded
python main.py train|evaluate|predict|report|runs|export ...   the headless command line
"""

from __future__ import annotations

import sys

CLI_COMMANDS = {"train", "evaluate", "predict", "report", "runs", "export", "-h", "--help"}


def main() -> int:
    if sys.stdout is None or sys.stderr is None:  # a frozen GUI app on Windows has no console
        import os

        devnull = open(os.devnull, "w")  # noqa: SIM115
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    args = sys.argv[1:]
    first = next((a for a in args if a != "--debug"), None)
    if first in CLI_COMMANDS:
        from engine.cli import main as cli_main

        return cli_main(args)
    from gui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
