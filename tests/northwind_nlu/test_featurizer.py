"""WordEmbeddingFeaturizer inside a real Rasa pipeline: tokenizer, featurizers, classifier."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from northwind_nlu.featurizer import WordEmbeddingFeaturizer

TRAINING = {
    "check_refund": [
        "where is my refund",
        "has my refund been processed yet",
        "I am still waiting for the refund",
    ],
    "get_invoice": [
        "send me the invoice",
        "I need an invoice for my order",
        "where can I download my invoice",
    ],
    "track_order": [
        "where is my order",
        "has my order shipped yet",
        "I am still waiting for the order",
    ],
    "greet": ["hello", "hi there", "good morning"],
}


def context(name: str) -> ExecutionContext:
    return ExecutionContext(graph_schema=GraphSchema({}), model_id="test", node_name=name)


def storage(path: Path) -> LocalModelStorage:
    path.mkdir(parents=True, exist_ok=True)
    return LocalModelStorage(path)


def featurizer(**config: Any) -> WordEmbeddingFeaturizer:
    return WordEmbeddingFeaturizer.create(
        {**WordEmbeddingFeaturizer.get_default_config(), **config},
        None,
        Resource("emb"),
        context("emb"),
    )


@pytest.fixture(scope="module")
def tokenizer() -> WhitespaceTokenizer:
    return WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), None, None, context("tok")
    )


def featurized(tokenizer: WhitespaceTokenizer, text: str | None, **config: Any) -> Message:
    message = Message(data={} if text is None else {TEXT: text})
    tokenizer.process([message])
    featurizer(**config).process([message])
    return message


def dense(message: Message) -> tuple:
    sequence, sentence = message.get_dense_features(TEXT)
    return (
        None if sequence is None else sequence.features,
        None if sentence is None else sentence.features,
    )


def test_a_sentence_vector_and_a_vector_per_token(tokenizer: WhitespaceTokenizer) -> None:
    sequence, sentence = dense(featurized(tokenizer, "where is my parcel?"))
    assert sentence.shape == (1, 256)
    assert sequence.shape == (4, 256)
    np.testing.assert_allclose(np.linalg.norm(sentence), 1.0, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(sequence, axis=1), 1.0, rtol=1e-5)


def test_scale_multiplies_the_vectors(tokenizer: WhitespaceTokenizer) -> None:
    sequence, sentence = dense(featurized(tokenizer, "where is my parcel?", scale=3.0))
    np.testing.assert_allclose(np.linalg.norm(sentence), 3.0, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(sequence, axis=1), 3.0, rtol=1e-5)


def test_empty_text_gets_zero_vectors_of_the_same_layout(tokenizer: WhitespaceTokenizer) -> None:
    sequence, sentence = dense(featurized(tokenizer, ""))
    assert sentence.shape == (1, 256) and not sentence.any()
    assert sequence.shape[1] == 256 and not sequence.any()


def test_a_message_without_text_gets_no_features(tokenizer: WhitespaceTokenizer) -> None:
    assert dense(featurized(tokenizer, None)) == (None, None)


def test_a_20000_character_message(tokenizer: WhitespaceTokenizer) -> None:
    text = ("I ordered a coat three weeks ago and it still has not arrived, " * 400)[:20_000]
    start = time.perf_counter()
    message = featurized(tokenizer, text)
    assert time.perf_counter() - start < 2.0
    sequence, sentence = dense(message)
    assert sequence.shape == (len(message.get("text_tokens")), 256)
    assert np.isfinite(sequence).all() and np.isfinite(sentence).all()
    np.testing.assert_allclose(np.linalg.norm(sentence), 1.0, rtol=1e-5)


@pytest.mark.parametrize("text", ["😡😡😡", "🙂 👍", "Где мой заказ", "我的订单在哪里", "أين طلبي"])
def test_emoji_and_other_scripts(tokenizer: WhitespaceTokenizer, text: str) -> None:
    message = featurized(tokenizer, text)
    sequence, sentence = dense(message)
    assert sequence.shape == (len(message.get("text_tokens")), 256)
    np.testing.assert_allclose(np.linalg.norm(sentence), 1.0, rtol=1e-5)


def test_same_text_same_features(tokenizer: WhitespaceTokenizer) -> None:
    first, again = (
        dense(featurized(tokenizer, "bill please")),
        dense(featurized(tokenizer, "bill please")),
    )
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])


@pytest.mark.parametrize("config", [{"scale": 0}, {"max_chars": 0}])
def test_config_that_would_zero_every_vector_is_refused(config: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfigException):
        featurizer(**config)


def train_classifier(
    tmp_path: Path, tokenizer: WhitespaceTokenizer, counts: bool, embeddings: bool
) -> LogisticRegressionClassifier:
    """Tokenizer → features → Rasa's own LogisticRegressionClassifier, on TRAINING."""
    examples = [Message(data={TEXT: t, INTENT: i}) for i, texts in TRAINING.items() for t in texts]
    data = TrainingData(training_examples=examples)
    tokenizer.process_training_data(data)
    if counts:
        vectors = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(),
            storage(tmp_path / "cv"),
            Resource("cv"),
            context("cv"),
        )
        vectors.train(data)
        vectors.process_training_data(data)
        featurizers: list[Any] = [vectors]
    else:
        featurizers = []
    if embeddings:
        featurizers.append(featurizer())
        featurizers[-1].process_training_data(data)
    classifier = LogisticRegressionClassifier.create(
        {**LogisticRegressionClassifier.get_default_config(), "max_iter": 300},
        storage(tmp_path / "lr"),
        Resource("lr"),
        context("lr"),
    )
    classifier.train(data)
    classifier._test_featurizers = featurizers  # type: ignore[attr-defined]
    return classifier


def predict(
    classifier: LogisticRegressionClassifier, tokenizer: WhitespaceTokenizer, text: str
) -> str:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    for step in classifier._test_featurizers:  # type: ignore[attr-defined]
        step.process([message])
    classifier.process([message])
    return message.get(INTENT)["name"]


def test_logistic_regression_reads_the_dense_sentence_features(
    tmp_path: Path, tokenizer: WhitespaceTokenizer
) -> None:
    counts_only = train_classifier(tmp_path / "a", tokenizer, counts=True, embeddings=False)
    combined = train_classifier(tmp_path / "b", tokenizer, counts=True, embeddings=True)
    # Rasa 3.6 stacks sparse and dense sentence features: 256 more weights per intent.
    assert combined.clf.coef_.shape[1] == counts_only.clf.coef_.shape[1] + 256


# Each holds a word the training examples never use (rebate, bill, parcel).
UNSEEN_WORDS = {
    "any news on my rebate": "check_refund",
    "download the bill": "get_invoice",
    "has the parcel shipped": "track_order",
}


def test_embeddings_understand_words_never_trained_on(
    tmp_path: Path, tokenizer: WhitespaceTokenizer
) -> None:
    with_embeddings = train_classifier(tmp_path / "emb", tokenizer, counts=False, embeddings=True)
    counts_only = train_classifier(tmp_path / "cv", tokenizer, counts=True, embeddings=False)
    assert {t: predict(with_embeddings, tokenizer, t) for t in UNSEEN_WORDS} == UNSEEN_WORDS
    # The count features alone have nothing to go on for these words.
    assert sum(predict(counts_only, tokenizer, t) == i for t, i in UNSEEN_WORDS.items()) == 0


def test_capitals_do_not_change_the_features(tokenizer: WhitespaceTokenizer) -> None:
    shouted, calm = (
        dense(featurized(tokenizer, "WHERE IS MY ORDER")),
        dense(featurized(tokenizer, "where is my order")),
    )
    assert np.array_equal(shouted[1], calm[1])
    cased = dense(featurized(tokenizer, "WHERE IS MY ORDER", lowercase=False))
    assert not np.array_equal(cased[1], calm[1])
