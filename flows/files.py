"""Which files a batch covers, and why each other thing it saw is left out: folders recurse in a
stable order, nothing is skipped without a reason (FIFOs, symlink loops, links out of the inbox,
unsupported types, saraban's own quarantine folders, unreadable folders)."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import SUPPORTED

QUARANTINE_FOLDER = "quarantine"


@dataclass(frozen=True)
class Found:
    """One thing the walk met: a file to read (``skipped`` None) or something left out, and why."""

    path: Path
    skipped: str | None = None


def expand(paths: list[str]) -> list[Path]:
    """The files to read (``saraban extract``): named files always, folders' supported files, sorted."""
    return [found.path for found in walk(paths) if found.skipped is None]


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def walk(paths: list[str]) -> Iterator[Found]:
    """Everything under the named paths, lazily (a share of 100,000 files is never listed whole).

    A file named directly is always taken (an unsupported one then fails loudly). Inside a folder a
    symlink is followed only to a file inside the folder named on the command line (the inbox).
    """
    for name in paths:
        path = Path(name)
        try:
            info = path.stat()
        except FileNotFoundError:
            yield Found(path, "no such file or folder")
            continue
        except OSError as exc:
            yield Found(path, f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_folder(path, path.resolve())
        elif stat.S_ISREG(info.st_mode):
            yield Found(path)
        else:
            yield Found(path, _kind(info.st_mode))


def _walk_folder(folder: Path, inbox: Path) -> Iterator[Found]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Found(folder, f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                found = _symlink(path, inbox)
                if found is not None:
                    yield found
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name.lower() == QUARANTINE_FOLDER:
                    yield Found(path, "folder named quarantine (saraban's copies of failed files) not read")
                else:
                    yield from _walk_folder(path, inbox)
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield Found(path, f"cannot read: {exc.strerror or exc}")
            continue
        if not stat.S_ISREG(mode):
            yield Found(path, _kind(mode))
        elif path.suffix.lower() not in SUPPORTED:
            yield Found(path, f"unsupported file type {path.suffix or '(no extension)'!r}")
        else:
            yield Found(path)


def _symlink(path: Path, inbox: Path) -> Found | None:
    """A link inside a folder: its target file when that lies inside the inbox; a link to a folder
    inside the inbox is not followed (its files are read where they are)."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return Found(path, "symlink loop")
    except FileNotFoundError:
        return Found(path, "broken symlink")
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return Found(path, "symlink loop")
        return Found(path, f"cannot follow symlink: {exc.strerror or exc}")
    if not target.is_relative_to(inbox):
        return Found(path, f"symlink to {target}, outside the folder being loaded: refused")
    if target.is_dir():
        return Found(path, "symlink to a folder inside the folder being loaded: its files are read there")
    if not target.is_file():
        return Found(path, _kind(target.stat().st_mode))
    if path.suffix.lower() not in SUPPORTED and target.suffix.lower() not in SUPPORTED:
        return Found(path, f"unsupported file type {path.suffix or '(no extension)'!r}")
    return Found(path)
