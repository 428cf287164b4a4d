"""The pretrained token embeddings, on the real files installed by scripts/fetch_embeddings.sh."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from northwind_nlu.embeddings import (
    DIRECTORY_ENV,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    EmbeddingsNotInstalled,
    TokenEmbeddings,
    embeddings_directory,
    load_embeddings,
)


@pytest.fixture(scope="module")
def embeddings() -> TokenEmbeddings:
    return load_embeddings()


def cosine(embeddings: TokenEmbeddings, a: str, b: str) -> float:
    return float(embeddings.embed(a) @ embeddings.embed(b))


def test_one_unit_vector_of_256_per_text(embeddings: TokenEmbeddings) -> None:
    vectors = embeddings.embed_many(["where is my order?", "hi", "I want my money back"])
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert embeddings.embed("hi").shape == (256,)


def test_empty_text_and_empty_batch_are_zero(embeddings: TokenEmbeddings) -> None:
    assert embeddings.token_ids("") == []
    assert not embeddings.embed("").any()
    assert embeddings.embed_many([]).shape == (0, 256)


def test_a_20000_character_message_is_one_finite_vector_quickly(
    embeddings: TokenEmbeddings,
) -> None:
    text = ("my parcel never arrived and nobody answers my emails " * 400)[:20_000]
    start = time.perf_counter()
    vector = embeddings.embed(text)
    assert time.perf_counter() - start < 1.0
    assert np.isfinite(vector).all()
    assert np.linalg.norm(vector) == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize(
    "text",
    ["😡😡😡", "🙂", "Где мой заказ?", "我的订单在哪里", "أين طلبي؟", "Wo ist meine Bestellung?"],
)
def test_emoji_and_other_scripts_get_a_vector(embeddings: TokenEmbeddings, text: str) -> None:
    # Byte fallback: characters outside the vocabulary still map to ids.
    assert embeddings.token_ids(text)
    vector = embeddings.embed(text)
    assert np.isfinite(vector).all()
    assert np.linalg.norm(vector) == pytest.approx(1.0, rel=1e-5)


def test_a_word_missing_from_the_vocabulary_is_built_from_its_pieces(
    embeddings: TokenEmbeddings,
) -> None:
    word = "refundzilla"
    assert word not in embeddings.tokenizer.get_vocab()
    assert "▁" + word not in embeddings.tokenizer.get_vocab()
    assert len(embeddings.token_ids(word)) > 1
    assert cosine(embeddings, word, "refund") > cosine(embeddings, word, "weather")


def test_same_text_same_vector(embeddings: TokenEmbeddings) -> None:
    first = embeddings.embed("can I get an invoice for my last order")
    again = load_embeddings().embed("can I get an invoice for my last order")
    assert np.array_equal(first, again)


def test_loaded_once_per_process(embeddings: TokenEmbeddings) -> None:
    assert load_embeddings() is embeddings
    assert load_embeddings(embeddings_directory()) is embeddings


@pytest.mark.parametrize(
    ("word", "synonym", "unrelated"),
    [
        ("refund", "rebate", "weather"),
        ("invoice", "bill", "weather"),
        ("parcel", "package", "password"),
        ("I want my money back", "I want a refund", "what's the weather like"),
    ],
)
def test_synonyms_are_nearer_than_unrelated_words(
    embeddings: TokenEmbeddings, word: str, synonym: str, unrelated: str
) -> None:
    assert cosine(embeddings, word, synonym) > cosine(embeddings, word, unrelated) + 0.1


def test_missing_files_say_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingsNotInstalled, match="fetch_embeddings.sh"):
        load_embeddings(tmp_path)


def test_directory_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DIRECTORY_ENV, str(tmp_path))
    assert embeddings_directory() == tmp_path.resolve()
    assert embeddings_directory(str(tmp_path / "set")) == (tmp_path / "set").resolve()


def test_a_weights_file_of_another_layout_is_refused(tmp_path: Path) -> None:
    installed = embeddings_directory()
    header = json.dumps(
        {
            "a": {"dtype": "F16", "shape": [2, 2], "data_offsets": [0, 8]},
            "b": {"dtype": "F16", "shape": [2, 2], "data_offsets": [8, 16]},
        }
    ).encode()
    (tmp_path / WEIGHTS_FILE).write_bytes(struct.pack("<Q", len(header)) + header + bytes(16))
    (tmp_path / TOKENIZER_FILE).write_bytes((installed / TOKENIZER_FILE).read_bytes())
    with pytest.raises(ValueError, match="expected one tensor"):
        load_embeddings(tmp_path)
