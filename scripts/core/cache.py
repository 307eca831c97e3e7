"""A content-addressed cache for everything the build generates (figures, GIFs, notebooks).

An entry lives in ``.cache/<kind>/<key>/`` and is valid only when its ``manifest.json``
exists and every file it lists still has the recorded SHA-256: the manifest is written
last, so an interrupted render leaves no valid entry, and a damaged file is detected and
rendered again instead of being published. Files are rendered into a temporary folder
beside the entry and moved into place with ``os.replace`` (atomic on one file system).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: OPTIM_REF_CACHE moves the cache (a clean build in a test, a shared cache in CI)
CACHE_DIR = Path(os.environ.get("OPTIM_REF_CACHE") or ROOT / ".cache").resolve()
MANIFEST = "manifest.json"


def digest(*parts: object) -> str:
    """A stable hex key for JSON-able parts (dict order does not matter)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entry_dir(kind: str, key: str, root: Path = CACHE_DIR) -> Path:
    return root / kind / key


def valid_files(kind: str, key: str, root: Path = CACHE_DIR) -> dict[str, Path] | None:
    """The entry's files by name if the entry is complete and intact, else None."""
    folder = entry_dir(kind, key, root)
    manifest = folder / MANIFEST
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    files = {}
    for name, sha in recorded.items():
        path = folder / name
        try:
            if file_sha256(path) != sha:
                return None
        except OSError:
            return None
        files[name] = path
    return files


def store(
    kind: str,
    key: str,
    render: Callable[[Path], None],
    *,
    force: bool = False,
    root: Path = CACHE_DIR,
) -> tuple[dict[str, Path], bool]:
    """Return the entry's files, rendering them first if missing or damaged.

    ``render(folder)`` writes its files into a fresh temporary folder. Returns
    ``(files, rendered)`` where ``rendered`` tells whether work was done.
    """
    if not force:
        cached = valid_files(kind, key, root)
        if cached is not None:
            return cached, False
    folder = entry_dir(kind, key, root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder.parent))
    try:
        render(tmp)
        names = sorted(p.name for p in tmp.iterdir() if p.is_file())
        if not names:
            raise RuntimeError(f"{kind} {key}: the renderer wrote no file")
        manifest = {"files": {n: file_sha256(tmp / n) for n in names}}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
        # Swap the whole folder in: a reader sees the old entry or the new one, never half.
        if folder.exists():
            old = folder.with_name(f".{key}.old.{os.getpid()}")
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = valid_files(kind, key, root)
    if files is None:
        raise RuntimeError(f"{kind} {key}: the entry did not verify right after writing")
    return files, True


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a single file atomically (temp file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
