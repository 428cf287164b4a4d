"""Keep the NLU field test set (tests/nlu/field.yml) frozen and independent.

The field set measures how the NLU copes with phrasing it was not written for
(issue 12). It is only worth anything while no example of it reaches the
training data and while it covers every intent a customer types, so these tests
fail when a field example appears in data/nlu, when an intent is thin, or when
the set repeats itself. They read YAML directly: no Rasa import, no model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FIELD_SET = ROOT / "tests" / "nlu" / "field.yml"
TRAINING_DIR = ROOT / "data" / "nlu"
DOMAIN = ROOT / "domain.yml"

MIN_EXAMPLES_PER_INTENT = 25

# Domain intents a customer never types, so the field set leaves them out on purpose.
NOT_TYPED_BY_CUSTOMERS: dict[str, str] = {
    "agent_handback": "sent only by the inbox through trigger_intent when an agent hands back",
}

# `[text](entity)`, `[text]{"entity": ...}` and `[text]{...}(...)`-style markup.
_ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalise(example: str) -> str:
    """The text a customer typed, folded so trivial variants of one message compare equal.

    Lowercase, entity markup reduced to its text, apostrophes dropped ("where's"
    equals "wheres"), every other run of punctuation or whitespace one space.
    """
    text = _ENTITY_MARKUP.sub(r"\1", example).casefold()
    text = _APOSTROPHES.sub("", text)
    return _PUNCTUATION.sub(" ", text).strip()


def _examples_of(item: dict[str, Any]) -> list[str]:
    """The examples of one `- intent:` item, in either Rasa 3 YAML form."""
    examples = item.get("examples")
    if isinstance(examples, str):
        return [
            line.strip()[2:].strip()
            for line in examples.splitlines()
            if line.strip().startswith("- ")
        ]
    if isinstance(examples, list):  # the form with per-example metadata
        return [
            str(entry.get("text", "")) if isinstance(entry, dict) else str(entry)
            for entry in examples
        ]
    return []


def intent_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, example) for every intent example of a Rasa NLU YAML file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        (str(item["intent"]), example)
        for item in document.get("nlu") or []
        if isinstance(item, dict) and "intent" in item
        for example in _examples_of(item)
    ]


def training_files() -> list[Path]:
    return sorted(p for pattern in ("*.yml", "*.yaml") for p in TRAINING_DIR.rglob(pattern))


def customer_intents() -> list[str]:
    """The domain's intents, minus the ones no customer types."""
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    names = [
        next(iter(entry)) if isinstance(entry, dict) else str(entry) for entry in domain["intents"]
    ]
    return [name for name in names if name not in NOT_TYPED_BY_CUSTOMERS]


def _duplicates(texts: Iterable[str]) -> list[str]:
    return sorted(text for text, count in Counter(texts).items() if count > 1)


@pytest.fixture(scope="module")
def field() -> list[tuple[str, str]]:
    return intent_examples(FIELD_SET)


def test_normalise_folds_case_markup_punctuation_and_spacing() -> None:
    assert normalise("Where's  my ORDER [10482](order_number)?!") == "wheres my order 10482"
    assert normalise('it is [SW1A 1AA]{"entity": "postcode"}') == "it is sw1a 1aa"
    assert normalise("cancel, my order") != normalise("cancel my orders")


def test_no_field_example_is_in_the_training_data(field: list[tuple[str, str]]) -> None:
    files = training_files()
    training = {normalise(text) for path in files for _, text in intent_examples(path)}
    # Guard against passing vacuously when data/nlu moves or changes format.
    assert files and len(training) > 100, f"no NLU training examples found under {TRAINING_DIR}"
    leaked = sorted({f"{intent}: {text}" for intent, text in field if normalise(text) in training})
    assert not leaked, (
        f"{len(leaked)} field examples appear in data/nlu (remove them there): {leaked}"
    )


def test_every_customer_intent_has_enough_field_examples(field: list[tuple[str, str]]) -> None:
    counts = Counter(intent for intent, _ in field)
    thin = {
        name: counts.get(name, 0)
        for name in customer_intents()
        if counts.get(name, 0) < MIN_EXAMPLES_PER_INTENT
    }
    assert not thin, f"intents with fewer than {MIN_EXAMPLES_PER_INTENT} field examples: {thin}"


def test_field_intents_all_exist_in_the_domain(field: list[tuple[str, str]]) -> None:
    unknown = sorted({intent for intent, _ in field} - set(customer_intents()))
    assert not unknown, (
        f"field set intents that domain.yml lacks (or customers never type): {unknown}"
    )


def test_no_duplicate_examples_in_the_field_set(field: list[tuple[str, str]]) -> None:
    duplicates = _duplicates(normalise(text) for _, text in field)
    assert not duplicates, f"examples written twice (after normalising): {duplicates}"
