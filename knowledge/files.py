"""Which files of a knowledge-base folder are knowledge: editors' lock, swap and backup files
are not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

_DEBRIS_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".temp", ".bak", ".orig", ".part", ".rej")


def is_editor_debris(path: Path) -> bool:
    """True for files an editor or a copy leaves beside the real one: Emacs locks (``.#x``, a
    link that usually dangles) and autosaves (``#x#``), Vim swap files (``.x.swp``), backups
    (``x~``, ``x.bak``), hidden temporary files that a safe save renames into place, and
    anything that is not a regular file (a dangling link, a folder named ``x.yaml``)."""
    if _debris_name(path.name):
        return True
    try:
        return not path.is_file()
    except OSError:
        return True


def _debris_name(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(("~", "#", *_DEBRIS_SUFFIXES))


def yaml_files(folder: Path, *, recursive: bool = False) -> Iterator[Path]:
    """The knowledge YAML files in ``folder``, sorted, without editor debris."""
    if not folder.is_dir():
        return
    found = folder.rglob("*.yaml") if recursive else folder.glob("*.yaml")
    for path in sorted(found):
        folders = path.relative_to(folder).parts[:-1]
        if not is_editor_debris(path) and not any(_debris_name(part) for part in folders):
            yield path
