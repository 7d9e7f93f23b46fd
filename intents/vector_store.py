"""Sentence vectors cached one sentence at a time, by content: an edit encodes what changed.

Vectors live in packs (``vectors-<model>-<id>.npz``: sentence keys and float16 vectors). The
package ships one pack for its bundled examples (built by ``lotse cache build``), so a fresh
install answers at once; the user's cache folder gets a small pack per change. Packs nobody
used for ``PRUNE_AFTER_DAYS`` are deleted, and many small packs are merged into one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

BUNDLED_DIR = Path(__file__).resolve().parent / "vectors"
"""Packs shipped with the package (read only)."""
PRUNE_AFTER_DAYS = 30
MERGE_ABOVE = 8
"""More packs than this in the cache folder: the ones a build used are merged into one."""
BATCH = 32
KEY_BYTES = 16


def model_name(encoder: object) -> str:
    return str(getattr(encoder, "name", type(encoder).__qualname__))


def sentence_key(model: str, text: str) -> bytes:
    """The cache key of one sentence: its model and its exact text."""
    digest = hashlib.sha256(model.encode() + b"\x00" + text.encode("utf-8", "surrogatepass"))
    return digest.digest()[:KEY_BYTES]


class Pack:
    """One file of keys and vectors."""

    def __init__(self, path: Path, keys: npt.NDArray[np.void], vectors: npt.NDArray[np.float16]):
        self.path = path
        self.vectors = vectors
        self.rows = {bytes(k): i for i, k in enumerate(keys)}

    @classmethod
    def read(cls, path: Path) -> Pack | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError) as error:
            log.warning("ignoring unreadable vector pack %s: %s", path.name, type(error).__name__)
            return None
        if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors):
            log.warning("ignoring malformed vector pack %s", path.name)
            return None
        return cls(path, keys, vectors.astype(np.float16, copy=False))


def write_pack(path: Path, keys: Sequence[bytes], vectors: npt.NDArray[np.floating]) -> bool:
    """Write atomically (a reader never sees half a file); False when the folder is not
    writable (the bot then simply encodes again next time)."""
    array = np.array(keys, dtype=f"V{KEY_BYTES}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.savez(file, keys=array, vectors=np.asarray(vectors, dtype=np.float16))
        os.chmod(temporary, 0o644)  # mkstemp makes it private; vectors are no secret
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write vector pack %s: %s", path, error.strerror)
        return False
    return True


def _packs(folder: Path | None, model: str) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob(f"vectors-{_safe(model)}-*.npz"))


def pack_name(model: str, name: str) -> str:
    """``vectors-<model>-<name>.npz``."""
    return f"vectors-{_safe(model)}-{name}.npz"


def _safe(model: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in model)


def passage_vectors(
    encode: Callable[[Sequence[str]], Vectors],
    model: str,
    texts: Sequence[str],
    cache_dir: Path | None,
    *,
    bundled_dir: Path | None = BUNDLED_DIR,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> Vectors:
    """Vectors of ``texts`` (rounded to float16, so cached and fresh ones are identical):
    from the bundled packs, then the cache folder, encoding only the sentences found in
    neither, and storing those as one new pack. ``progress(total)`` returns a callback told how
    many were encoded after each batch (a progress bar)."""
    keys = [sentence_key(model, text) for text in texts]
    found: dict[bytes, npt.NDArray[np.float16]] = {}
    used: list[Path] = []
    wanted = set(keys)
    for path in [*_packs(bundled_dir, model), *_packs(cache_dir, model)]:
        if len(found) == len(wanted):
            break
        pack = Pack.read(path)
        if pack is None:
            continue
        hits = [k for k in wanted if k not in found and k in pack.rows]
        for key in hits:
            found[key] = pack.vectors[pack.rows[key]]
        if hits and path.parent == cache_dir:
            used.append(path)
    missing = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in found))
    missing_texts = [texts[i] for i in missing]
    if missing:
        fresh = _encode(encode, missing_texts, progress)
        new_keys = [keys[i] for i in missing]
        for key, vector in zip(new_keys, fresh, strict=True):
            found[key] = vector
        if cache_dir is not None:
            name = hashlib.sha256(b"".join(sorted(set(new_keys)))).hexdigest()[:16]
            path = cache_dir / pack_name(model, name)
            if write_pack(path, new_keys, fresh):
                used.append(path)
    if not texts:
        return np.zeros((0, 1), np.float32)
    vectors = np.stack([found[key] for key in keys]).astype(np.float32)
    if cache_dir is not None:
        _housekeeping(cache_dir, model, used, keys, vectors)
    return vectors


def _encode(
    encode: Callable[[Sequence[str]], Vectors],
    texts: Sequence[str],
    progress: Callable[[int], Callable[[int], None]] | None,
) -> npt.NDArray[np.float16]:
    log.warning(
        "preparing %d example sentence(s) for matching (only new or changed ones)", len(texts)
    )
    advance = progress(len(texts)) if progress is not None else None
    chunks = []
    # Small batches keep the engine's working memory (and the process's peak RSS) low.
    for start in range(0, len(texts), BATCH):
        chunks.append(encode(texts[start : start + BATCH]))
        if advance is not None:
            advance(len(chunks[-1]))
    return np.concatenate(chunks).astype(np.float16)


def _housekeeping(
    cache_dir: Path, model: str, used: Iterable[Path], keys: Sequence[bytes], vectors: Vectors
) -> None:
    """Mark the packs this build used as fresh; delete packs unused for PRUNE_AFTER_DAYS (and
    stray temporary files); merge this build's packs into one when there are too many."""
    now = time.time()
    used = list(dict.fromkeys(used))
    for path in used:
        with contextlib.suppress(OSError):
            os.utime(path)
    cutoff = now - PRUNE_AFTER_DAYS * 86400
    for path in [*cache_dir.glob("vectors-*.npz"), *cache_dir.glob(".*.tmp"),
                 *cache_dir.glob("passages-*.npy")]:  # fmt: skip
        try:
            if path not in used and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
    if len(_packs(cache_dir, model)) <= MERGE_ABOVE or len(used) < 2:
        return
    unique = dict(zip(keys, vectors, strict=True))
    merged = cache_dir / pack_name(model, f"merged{int(now)}")
    if not write_pack(merged, list(unique), np.stack(list(unique.values()))):
        return
    for path in used:
        pack = Pack.read(path)
        # Only packs holding nothing beyond this build's sentences: others may serve another
        # knowledge base that shares the folder.
        if pack is not None and set(pack.rows) <= set(unique):
            path.unlink(missing_ok=True)
