"""Re-extract the interface's strings into the .ts files and compile them to .qm.

    python resources/translations/update.py            # extract, then compile
    python resources/translations/update.py --check    # list untranslated strings; exit 1 if any
    python resources/translations/update.py --compile  # compile only

Extraction runs ``lupdate`` (shipped inside the PySide6 wheel, also as ``pyside6-lupdate``)
over every ``gui/*.py``: strings in ``self.tr("...")`` and ``QCoreApplication.translate(
"Context", "...")`` calls. New strings arrive as ``type="unfinished"``; translate them in
Qt Linguist (``pyside6-linguist strop_zh_CN.ts``) or in the XML, then run this again to
compile. Locations are left out of the .ts so that edits elsewhere in a file don't churn it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CATALOG = "strop"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    """``lupdate`` / ``lrelease`` from the PySide6 wheel (or ``pyside6-<name>`` on PATH)."""
    try:
        import PySide6

        folder = Path(PySide6.__file__).parent
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file():
                return str(candidate)
    except ImportError:
        pass
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6-Essentials (it ships {name}).")
    return found


def sources(root: Path = ROOT) -> list[Path]:
    """The Python files whose strings are translated."""
    return sorted((root / "gui").glob("*.py"))


def ts_path(language: str) -> Path:
    return HERE / f"{CATALOG}_{language}.ts"


def declared_strings() -> list[str]:
    """The settings' labels (as the form shows them, with a colon) and help, from their one
    declaration in ``engine/config.py``: translated in the ``Setting`` context."""
    sys.path.insert(0, str(ROOT))
    from engine.config import TrainConfig

    out: list[str] = []
    for s in TrainConfig.settings():
        if s.widget:
            out += [f"{s.label}:", s.help]
    return list(dict.fromkeys(out))


def add_context(ts: Path, name: str, sources_: list[str], known: dict[str, str]) -> None:
    """Make ``ts``'s context ``name`` hold exactly ``sources_``, translated where ``ts`` or
    ``known`` (source -> translation, from any context) already had a translation."""
    tree = ET.parse(ts)
    root = tree.getroot()
    for context in list(root.iter("context")):
        if context.findtext("name") == name:
            for message in context.iter("message"):
                text = message.findtext("translation")
                if text and message.find("translation").get("type") is None:  # type: ignore[union-attr]
                    known.setdefault(message.findtext("source") or "", text)
            root.remove(context)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = name
    for source in sources_:
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in known:
            translation.text = known[source]
        else:
            translation.set("type", "unfinished")
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def carry_over(ts: Path, known: dict[str, str]) -> None:
    """Fill unfinished messages whose source text had a translation elsewhere (a string that
    moved from one class to another keeps its translation)."""
    tree = ET.parse(ts)
    changed = False
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is not None and translation.get("type") == "unfinished" and source in known:
            translation.text = known[source]
            del translation.attrib["type"]
            changed = True
    if changed:
        tree.write(ts, encoding="utf-8", xml_declaration=True)


def extract(ts: Path, files: list[Path] | None = None, extra: dict[str, str] | None = None) -> None:
    """Merge the current strings into ``ts`` (kept translations stay; vanished ones go)."""
    known = dict(extra or {})
    if ts.is_file():
        known.update({s: t for _, s, t in messages(ts) if t})
    _lupdate(ts, files)
    add_context(ts, "Setting", declared_strings(), known)
    carry_over(ts, known)


def _lupdate(ts: Path, files: list[Path] | None = None) -> None:
    files = files if files is not None else sources()
    language = ts.stem.split("_", 1)[1]
    subprocess.run(
        [
            tool("lupdate"),
            *map(str, files),
            "-ts",
            str(ts),
            "-no-obsolete",
            "-locations",
            "none",
            "-source-language",
            "en",
            "-target-language",
            language,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def compile_ts(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run(
        [tool("lrelease"), str(ts), "-qm", str(qm)], check=True, stdout=subprocess.DEVNULL
    )
    return qm


def messages(ts: Path) -> list[tuple[str, str, str | None]]:
    """(context, source, translation or None when unfinished) of every message in ``ts``."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source") or ""
            unfinished = translation is None or translation.get("type") in (
                "unfinished",
                "obsolete",
                "vanished",
            )
            text = None if unfinished or translation is None else (translation.text or "")
            found.append((name, source, text))
    return found


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every message not yet translated."""
    return [(c, s) for c, s, t in messages(ts) if t is None or not t.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report untranslated strings")
    parser.add_argument("--compile", action="store_true", help="compile only, no extraction")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="TS",
        help="take translations from another .ts (e.g. a branch's copy after a merge)",
    )
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        ts = ts_path(language)
        if not args.compile:
            extra: dict[str, str] = {}
            for other in args.imports:
                extra.update({s: t for _, s, t in messages(Path(other)) if t})
            extract(ts, extra=extra)
        missing = unfinished(ts)
        for context, source in missing:
            print(f"{ts.name}: untranslated [{context}] {source!r}")
        print(f"{ts.name}: {len(messages(ts))} strings, {len(missing)} untranslated")
        if args.check:
            status = status or (1 if missing else 0)
        else:
            print(f"compiled {compile_ts(ts).name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
