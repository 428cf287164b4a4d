"""Pretrained token embeddings: text in, averaged and L2-normalised vectors out.

Why: a classifier trained on word counts only knows the words of its training
data. These 256-dimensional vectors (wordllama's ``l2_supercat`` matrix over the
Llama 2 tokenizer, MIT licence) come from a model trained on a large English
corpus, so "rebate" lands near "refund" and "bill" near "invoice".

The two files are installed by ``scripts/fetch_embeddings.sh`` at pinned hashes
into ``.cache/embeddings/``; nothing is downloaded here. wordllama itself is never
imported (it needs numpy>=2): the safetensors file is memory-mapped by reading
its small JSON header, and the tokenizer is the ``tokenizers`` package. Only the
rows of the token ids a message uses are read. Loading happens once per process
and directory (``load_embeddings``), not at import.

Errors: ``EmbeddingsNotInstalled`` (a ``FileNotFoundError``) when a file is
missing, ``ValueError`` when the weights file is not the expected layout.
"""

from __future__ import annotations

import functools
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

WEIGHTS_FILE = "l2_supercat_256.safetensors"
TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"
DIRECTORY_ENV = "NORTHWIND_EMBEDDINGS_DIR"
DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / ".cache" / "embeddings"

_SAFETENSORS_DTYPES = {"F16": np.float16, "F32": np.float32, "BF16": None}


class EmbeddingsNotInstalled(FileNotFoundError):
    """The cache lacks a file: the setup step was not run on this machine."""


def embeddings_directory(configured: str | None = None) -> Path:
    """Where the files are: the component's setting, else the env, else the repo cache."""
    chosen = configured or os.environ.get(DIRECTORY_ENV)
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_DIRECTORY


def _map_safetensors_matrix(path: Path) -> np.ndarray:
    """Memory-maps the single 2-D tensor of a safetensors file (read-only).

    The format is an 8-byte little-endian header length, a JSON header naming
    each tensor's dtype, shape and byte offsets, then the raw data.
    """
    with path.open("rb") as handle:
        (header_len,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_len))
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    if len(tensors) != 1:
        raise ValueError(f"{path}: expected one tensor, found {sorted(tensors)}")
    (spec,) = tensors.values()
    dtype = _SAFETENSORS_DTYPES.get(spec["dtype"])
    shape = tuple(spec["shape"])
    if dtype is None or len(shape) != 2:
        raise ValueError(f"{path}: unsupported tensor {spec['dtype']} {shape}")
    start, end = spec["data_offsets"]
    if end - start != shape[0] * shape[1] * np.dtype(dtype).itemsize:
        raise ValueError(f"{path}: data size does not match shape {shape}")
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + header_len + start, shape=shape)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalises each row; an all-zero row (no tokens) stays zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


@dataclass(frozen=True)
class TokenEmbeddings:
    """A token-embedding matrix with the tokenizer whose ids index its rows."""

    matrix: np.ndarray
    tokenizer: Tokenizer

    @property
    def dim(self) -> int:
        """Length of every vector this returns."""
        return int(self.matrix.shape[1])

    def token_ids(self, text: str) -> list[int]:
        """Subword ids of a text (no special tokens; unknown characters fall back to bytes)."""
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def _mean_vector(self, ids: Sequence[int]) -> np.ndarray:
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        return self.matrix[np.asarray(ids, dtype=np.int64)].astype(np.float32).mean(axis=0)

    def embed(self, text: str) -> np.ndarray:
        """One unit vector for a whole text (zeros when it has no tokens)."""
        return self.embed_many([text])[0]

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` float32 matrix of unit vectors, one per text.

        Texts are encoded in one batch (the tokenizer runs in Rust), which keeps
        per-word vectors for a message cheap.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return _unit_rows(np.stack([self._mean_vector(e.ids) for e in encodings]))


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> TokenEmbeddings:
    weights, tokenizer = directory / WEIGHTS_FILE, directory / TOKENIZER_FILE
    for required in (weights, tokenizer):
        if not required.is_file():
            raise EmbeddingsNotInstalled(
                f"{required} is missing: run scripts/fetch_embeddings.sh (bootstrap.sh runs it) "
                f"or point {DIRECTORY_ENV} at a folder holding {WEIGHTS_FILE} and {TOKENIZER_FILE}"
            )
    matrix = _map_safetensors_matrix(weights)
    loaded = Tokenizer.from_file(str(tokenizer))
    if loaded.get_vocab_size() > matrix.shape[0]:
        raise ValueError(f"{tokenizer} has more ids than {weights} has rows")
    return TokenEmbeddings(matrix=matrix, tokenizer=loaded)


def load_embeddings(directory: Path | None = None) -> TokenEmbeddings:
    """The embeddings in ``directory`` (default: ``embeddings_directory()``), loaded once per process."""
    return _load((directory or embeddings_directory()).resolve())
