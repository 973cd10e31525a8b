"""Bringing a model made on another computer into Strop, for computers that are offline.

Someone downloads a model where there is a network (``huggingface-cli download``, a copy of
a Hugging Face cache snapshot, or a folder Strop exported) and carries it over as a folder
or a .zip. ``import_model`` checks it the way ``resolve_model`` will (config, tokenizer or
image processor, safetensors weights; pickled weights only on request), then places it in
Strop's model folder, ``data_dir()/models/<name>``, where the Model tab lists it.

A zip comes from elsewhere, so it is read defensively: entries that would land outside the
target folder (absolute paths, ``..``), symbolic links, and damaged or truncated archives
(bad central directory, CRC mismatch while extracting) are refused with a ``ModelLoadError``.
Everything is unpacked into a staging folder next to the destination and moved into place
with one ``os.replace``: a failure at any point imports nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from engine.errors import ModelLoadError
from engine.paths import require_free_space

#: Progress callback: (bytes done, bytes in all).
Progress = Callable[[int, int], None]

#: Files that say "this is an image model": it needs an image processor, not a tokenizer.
IMAGE_PROCESSOR_FILES = ("preprocessor_config.json", "image_processor_config.json")
#: Marker written into an imported model folder: where it came from and when.
IMPORT_RECORD = ".strop-import.json"
_STAGING_PREFIX = ".import-"
_STALE_AFTER_S = 24 * 3600
#: Folder names that say nothing about the model: the config's name is used instead.
_GENERIC_NAMES = {"model", "models", "snapshot", "download", "downloads", "export", "content"}
_CHUNK = 1 << 20
#: Weights in formats Strop never loads (TensorFlow, Flax, Rust, ONNX, Core ML, GGUF): a full
#: ``huggingface-cli download`` of bert-base-uncased holds five copies of the model in these.
#: They are left behind, and so is ``pytorch_model*.bin`` next to safetensors weights.
UNUSED_WEIGHT_SUFFIXES = (
    ".h5", ".msgpack", ".ot", ".onnx", ".onnx_data", ".tflite", ".mlmodel", ".mlpackage",
    ".gguf", ".ckpt",
)  # fmt: skip
#: How deep below the chosen folder or zip root ``config.json`` is looked for (a hub cache
#: folder keeps it in ``models--org--name/snapshots/<commit>/``).
_MAX_DEPTH = 4


def models_dir() -> Path:
    """Strop's own model folder: imported models live here, one folder each."""
    from engine.paths import data_dir

    return data_dir() / "models"


def safe_name(name: str) -> str:
    """A folder name for a model: a hub id ``org/name`` becomes ``org--name`` (the hub
    cache's own convention), anything outside letters, digits, ``._-`` becomes ``_``."""
    name = name.strip().replace("\\", "/").strip("/")
    name = "--".join(part for part in name.split("/") if part not in ("", ".", ".."))
    name = re.sub(r"[^\w.-]", "_", name).lstrip(".")
    return name[:120]


@dataclass(frozen=True)
class LocalModel:
    """A model in Strop's model folder."""

    name: str
    path: Path
    source: str | None  # where it was imported from, when Strop imported it


def list_local_models() -> list[LocalModel]:
    """The models in Strop's model folder (imported ones), by name."""
    root = models_dir()
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "config.json").is_file():
            continue
        source = None
        try:
            source = json.loads((folder / IMPORT_RECORD).read_text(encoding="utf-8"))["source"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        found.append(LocalModel(folder.name, folder, source))
    return found


def local_model_path(name: str) -> Path | None:
    """The folder of an imported model called ``name`` (or ``org/name``), if there is one."""
    folder = models_dir() / safe_name(name)
    return folder if name.strip() and (folder / "config.json").is_file() else None


# ----- importing --------------------------------------------------------------------------
def import_model(
    path: str | Path,
    *,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    replace: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Check a model folder or .zip and copy it into Strop's model folder; returns where.

    ``name`` defaults to the hub cache's name for a cache folder, else the folder's or
    zip's name (the config's ``_name_or_path`` for a folder called ``model`` and the like). An existing model of that name is kept unless ``replace``.
    """
    source = Path(path).expanduser()
    if not source.exists():
        raise ModelLoadError(f"{source}: not found.", hint="Choose a model folder or a .zip.")
    is_zip = source.is_file()
    if is_zip and not zipfile.is_zipfile(source):
        raise ModelLoadError(
            f"{source}: not a zip file (or a damaged one).",
            hint="Choose a model folder, or a .zip of one.",
        )
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(root)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=root))
    try:
        if is_zip:
            _extract_zip(source, staging / "content", progress)
            found = _find_model_root(staging / "content", source)
        else:
            found = _find_model_root(source, source)
            # Check before copying (a wrong folder fails at once, not after gigabytes)...
            _check(found, source, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
            _copy_folder(found, staging / "content", progress)
            found = staging / "content"
        # ...and after: what was copied or unpacked is what will load.
        _check(found, source, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
        final_name = safe_name(name) if name else _default_name(found, source)
        if not final_name:
            raise ModelLoadError(
                f"{source}: cannot make a folder name for this model.", hint="Give one with --name."
            )
        dest = root / final_name
        record = {"source": str(source.resolve()), "imported": time.time()}
        (found / IMPORT_RECORD).write_text(json.dumps(record), encoding="utf-8")
        _promote(found, dest, staging, replace=replace)
        return dest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(root: Path) -> None:
    """Staging folders a killed import left behind (a day old: none still in use)."""
    for folder in root.glob(_STAGING_PREFIX + "*"):
        try:
            if time.time() - folder.stat().st_mtime > _STALE_AFTER_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _promote(found: Path, dest: Path, staging: Path, *, replace: bool) -> None:
    """Move the checked model into place with ``os.replace`` (same file system: atomic)."""
    if dest.exists():
        if not replace:
            raise ModelLoadError(
                f"{dest}: a model called {dest.name!r} is already imported.",
                hint="Replace it (--replace) or import under another name (--name).",
            )
        # Move the old one aside first so that a crash leaves either the old or the new.
        old = staging / "replaced"
        os.replace(dest, old)
        try:
            os.replace(found, dest)
        except OSError:
            os.replace(old, dest)
            raise
        return
    os.replace(found, dest)


def _default_name(found: Path, source: Path) -> str:
    """The hub cache's own name, else the folder's or zip's name, else the config's.

    The config's ``_name_or_path`` comes last: it often names the *base* model the
    checkpoint was trained from (all-MiniLM-L6-v2 says ``nreimers/MiniLM-L6-H384-uncased``).
    """
    for folder in (source, source.parent.parent, found.parent.parent):
        if folder.name.startswith("models--"):  # models--org--name: whole, snapshot or zipped
            return safe_name(folder.name[len("models--") :])
    stem = source.stem if source.is_file() else source.name
    if not re.fullmatch(r"[0-9a-f]{40}", stem) and stem.lower() not in _GENERIC_NAMES:
        return safe_name(stem)
    try:
        config = json.loads((found / "config.json").read_text(encoding="utf-8"))
        declared = str(config.get("_name_or_path") or "")
    except (OSError, ValueError, AttributeError):
        declared = ""
    # A hub id ("org/name", "name"); a path of the computer it was saved on says nothing.
    if declared and re.fullmatch(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?", declared):
        return safe_name(declared)
    return safe_name(stem)


def _find_model_root(folder: Path, source: Path) -> Path:
    """The folder holding ``config.json``: ``folder`` itself or the shallowest one below.

    In a hub cache folder (``models--org--name``) the newest snapshot wins; elsewhere two
    models at the same depth are ambiguous and refused.
    """
    if (folder / "config.json").is_file():
        return folder
    snapshots = folder / "snapshots"
    if snapshots.is_dir():
        candidates = [p for p in snapshots.iterdir() if (p / "config.json").is_file()]
        if candidates:
            return max(candidates, key=lambda p: p.stat().st_mtime)
    level = [folder]
    for _ in range(_MAX_DEPTH):
        level = [c for p in level for c in sorted(p.iterdir()) if c.is_dir()]
        hits = [c for c in level if (c / "config.json").is_file()]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(str(h.relative_to(folder)) for h in hits[:4])
            raise ModelLoadError(
                f"{source}: holds more than one model ({names}).",
                hint="Import one model folder at a time.",
            )
        if not level:
            break
    raise ModelLoadError(
        f"{source}: no model found (no config.json).",
        hint="Choose the folder that holds config.json, or a .zip of it.",
    )


def _check(folder: Path, source: Path, *, allow_pickle: bool, trust_remote_code: bool) -> None:
    """What ``resolve_model`` will check later, plus weights that are cut short."""
    from engine.models import check_model_folder

    files = {p.name for p in folder.iterdir()}
    image = any(f in files for f in IMAGE_PROCESSOR_FILES)
    try:
        check_model_folder(
            folder,
            allow_pickle=allow_pickle,
            trust_remote_code=trust_remote_code,
            need_tokenizer=not image,
        )
    except ModelLoadError as exc:  # name the file the user chose, not the staging folder
        raise ModelLoadError(exc.message.replace(str(folder), str(source)), hint=exc.hint) from None
    for weights in sorted(folder.glob("*.safetensors")):
        _check_safetensors(weights, source)


def _check_safetensors(path: Path, source: Path) -> None:
    """Read the header and compare the sizes it declares with the file's (no tensor read):
    a download or copy that stopped early fails here, not in the middle of a run."""
    size = path.stat().st_size
    try:
        with path.open("rb") as f:
            head = f.read(8)
            n = int.from_bytes(head, "little") if len(head) == 8 else -1
            if n <= 0 or n > size - 8:
                raise ValueError("the header is cut short")
            header = json.loads(f.read(n))
        end = max(
            (v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelLoadError(
            f"{source}: the weights file {path.name} is damaged ({exc}).",
            hint="Copy or download the model again.",
        ) from None
    if 8 + n + end > size:
        raise ModelLoadError(
            f"{source}: the weights file {path.name} is incomplete ({size:,} of "
            f"{8 + n + end:,} bytes).",
            hint="The download or copy stopped early: copy or download the model again.",
        )


# ----- copying ----------------------------------------------------------------------------
def _unused(rel: PurePosixPath, safetensors_dirs: set[PurePosixPath]) -> bool:
    """A file Strop would never load: other frameworks' weights, or pickled weights
    beside safetensors ones."""
    name = rel.name.lower()
    if name.endswith(UNUSED_WEIGHT_SUFFIXES) or any(
        part.lower().endswith(".mlpackage") for part in rel.parts
    ):
        return True
    return bool(
        re.fullmatch(r"pytorch_model.*\.bin(\.index\.json)?", name)
        and rel.parent in safetensors_dirs
    )


def _safetensors_dirs(paths: list[PurePosixPath]) -> set[PurePosixPath]:
    return {p.parent for p in paths if p.name.endswith(".safetensors")}


def _copy_folder(src: Path, dest: Path, progress: Progress | None) -> None:
    """Copy a model folder, following symbolic links (a hub cache snapshot is made of
    links into ``blobs/``); cache bookkeeping (``.cache``, ``.git``) stays behind."""
    files = [
        p
        for p in sorted(src.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(src).parts)
    ]
    rels = [PurePosixPath(p.relative_to(src).as_posix()) for p in files]
    keep = _safetensors_dirs(rels)
    files = [p for p, rel in zip(files, rels, strict=True) if not _unused(rel, keep)]
    total = sum(p.stat().st_size for p in files)
    _check_space(dest.parent, total, src)
    done = 0
    dest.mkdir(parents=True)
    for p in files:
        target = dest / p.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        with p.open("rb") as fin, target.open("wb") as fout:
            while chunk := fin.read(_CHUNK):
                fout.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    if progress:
        progress(total, total)


def _check_space(folder: Path, needed: int, source: Path) -> None:
    require_free_space(folder, needed, f"{source}:", "Free some disk space and try again.")


def _zip_member_path(info: zipfile.ZipInfo, source: Path) -> PurePosixPath | None:
    """The entry's relative path, or a ``ModelLoadError`` for one that could escape."""
    raw = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ModelLoadError(
            f"{source}: the zip holds a symbolic link ({raw}), which Strop does not unpack: "
            "it could point anywhere on this computer.",
            hint="Zip the model folder without links (zip -r follows them by default).",
        )
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ModelLoadError(
            f"{source}: the zip entry {raw!r} has an absolute path, which would write outside "
            "the model folder.",
            hint="Use a zip made from the model folder itself.",
        )
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ModelLoadError(
            f"{source}: the zip entry {raw!r} climbs out of its folder (..), which would write "
            "outside the model folder.",
            hint="Use a zip made from the model folder itself.",
        )
    return PurePosixPath(*parts) if parts else None


def _extract_zip(source: Path, dest: Path, progress: Progress | None) -> None:
    damaged = (zipfile.BadZipFile, zlib.error, EOFError)
    try:
        with zipfile.ZipFile(source) as archive:
            members = [(info, _zip_member_path(info, source)) for info in archive.infolist()]
            files = [(i, p) for i, p in members if p is not None and not i.is_dir()]
            keep = _safetensors_dirs([p for _, p in files])
            files = [(i, p) for i, p in files if not _unused(p, keep)]
            total = sum(i.file_size for i, _ in files)
            _check_space(dest.parent, total, source)
            dest.mkdir(parents=True)
            done = 0
            for info, rel in files:
                target = dest.joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                # Reading to the end checks the entry's CRC-32 (BadZipFile on a mismatch).
                with archive.open(info) as fin, target.open("wb") as fout:
                    while chunk := fin.read(_CHUNK):
                        fout.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                if target.stat().st_size != info.file_size:
                    raise zipfile.BadZipFile(f"{info.filename} is cut short")
    except damaged as exc:
        raise ModelLoadError(
            f"{source}: the zip is damaged or incomplete ({exc}).",
            hint="Copy the zip again; if it was downloaded, download it again.",
        ) from None
    if progress:
        progress(total, total)
