"""Rasa graph component: dense features from pretrained token embeddings.

Why: the count featurizers only know words seen in data/nlu; these features
carry what the embeddings learned from general English, so an unseen synonym
("rebate", "bill", "parcel") lands near the trained word. Use it in config.yml
as ``northwind_nlu.featurizer.WordEmbeddingFeaturizer`` after a tokenizer.

It adds, for the text of every message:
- a sentence feature ``(1, 256)``: the mean of the subword vectors of the whole
  text (up to ``max_chars``), L2-normalised, times ``scale``; the one that
  LogisticRegressionClassifier reads (it stacks sparse and dense sentence features);
- a sequence feature ``(n_tokens, 256)``: one such vector per Rasa token (the
  word's subwords averaged), for DIET, which needs a row per token.
A text without subwords (empty) gets zero vectors, so every message has the same
feature layout. Nothing is trained: the model archive holds only the settings, and
the matrix is read from the cache once per process (``embeddings.load_embeddings``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from northwind_nlu.embeddings import TokenEmbeddings, embeddings_directory, load_embeddings

# A word longer than this is a paste (a URL, a row of emoji), not vocabulary.
MAX_WORD_CHARS = 100


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class WordEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Averaged, L2-normalised pretrained token vectors as dense features."""

    @classmethod
    def required_components(cls) -> list[type]:
        """A tokenizer must run first: the sequence feature has a row per token."""
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        """The tokenizer of the embeddings (the matrix is read with numpy)."""
        return ["tokenizers"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults: the repo cache, unit vectors, the first 2,000 characters."""
        return {
            **DenseFeaturizer.get_default_config(),
            # Folder with the two files; None: $NORTHWIND_EMBEDDINGS_DIR, else .cache/embeddings.
            "directory": None,
            # Multiplies the unit vectors, to weigh them against count features.
            "scale": 1.0,
            # The vocabulary is cased ("▁WHERE" is not "▁where"); customers who
            # shout in capitals mean the same as those who don't.
            "lowercase": True,
            # The sentence vector reads this many characters: the ask is at the start,
            # and a 20,000-character paste must not cost a second.
            "max_chars": 2000,
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        """Loads (or reuses) the embeddings named by the config."""
        super().__init__(name, {**self.get_default_config(), **config})
        self._scale = float(self._config["scale"])
        self._max_chars = int(self._config["max_chars"])
        self._lowercase = bool(self._config["lowercase"])
        self._embeddings: TokenEmbeddings = load_embeddings(
            embeddings_directory(self._config["directory"])
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordEmbeddingFeaturizer:
        """Creates the component (nothing to train, so also used at load time)."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Rejects a scale or character limit that would make every vector zero."""
        if float(config.get("scale", 1.0)) <= 0:
            raise InvalidConfigException("WordEmbeddingFeaturizer: scale must be > 0")
        if int(config.get("max_chars", 1)) < 1:
            raise InvalidConfigException("WordEmbeddingFeaturizer: max_chars must be >= 1")

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the sentence and sequence features of each message's text."""
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes the training examples in place."""
        self.process(training_data.training_examples)
        return training_data

    def _prepare(self, text: str) -> str:
        return text.lower() if self._lowercase else text

    def _featurize(self, message: Message) -> None:
        text: str | None = message.get(TEXT)
        if text is None:  # intent-only or action messages: nothing to read
            return
        sentence = self._embeddings.embed(self._prepare(text[: self._max_chars]))[np.newaxis, :]
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        sequence = (
            self._embeddings.embed_many([self._prepare(t.text[:MAX_WORD_CHARS]) for t in tokens])
            if tokens
            else None
        )
        self.add_features_to_message(
            sequence=None if sequence is None else sequence * self._scale,
            sentence=sentence * self._scale,
            attribute=TEXT,
            message=message,
        )
