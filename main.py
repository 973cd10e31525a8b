"""Strop's entry point. Thin on purpose: the window appears before torch is imported.

python main.py                         open the window
python main.py --dataset FILE [--model PATH]   open the window with these preloaded
python main.py train|evaluate|predict|report|runs|export ...   the headless command line

A first word that is neither a command, an option nor an existing file is a typo, not a file
to open: it exits 2 naming the closest command instead of opening the window.
"""

from __future__ import annotations

import difflib
import os
import sys

EXIT_BAD_INPUT = 2
HELP_FLAGS = ("-h", "--help")


def unknown_command_error(word: str, commands: list[str]) -> str:
    """The one-line error for a first word that is not a command (with a difflib suggestion)."""
    close = difflib.get_close_matches(word, commands, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (commands: {', '.join(commands)})"
    return f"strop: error: unknown command '{word}'{hint}"


def main() -> int:
    if sys.stdout is None or sys.stderr is None:  # a frozen GUI app on Windows has no console
        devnull = open(os.devnull, "w")  # noqa: SIM115
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    args = sys.argv[1:]
    first = next((a for a in args if a != "--debug"), None)
    if first is not None and (first in HELP_FLAGS or not first.startswith("-")):
        # engine.cli imports only light modules at top level (tests/test_main.py checks that
        # torch stays out), so the command list has one home: engine.cli.COMMANDS.
        from engine.cli import COMMANDS
        from engine.cli import main as cli_main

        if first in COMMANDS or first in HELP_FLAGS:
            return cli_main(args)
        if not os.path.exists(first):  # an existing file is "Open with"; anything else a typo
            print(unknown_command_error(first, sorted(COMMANDS)), file=sys.stderr)
            return EXIT_BAD_INPUT
    from gui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
