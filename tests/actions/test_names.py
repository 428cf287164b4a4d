"""Rasa's naming is a contract: the names the Python code uses must exist in domain.yml."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.utils import all_subclasses

from actions import names
from tests.actions.conftest import DOMAIN, ROOT

RASA_DEFAULT_INTENTS = {"nlu_fallback", "restart", "session_start"}


def rasa_sdk_registry() -> dict[str, object]:
    """What ``rasa run actions --actions actions`` registers: rasa_sdk imports every module of
    the package itself (there is no hand-kept list of action modules to forget one in)."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


REGISTERED = rasa_sdk_registry()


def project_actions() -> list[type]:
    """The classes rasa_sdk registers: non-abstract Action subclasses from our package."""
    return [
        cls
        for cls in all_subclasses(Action)
        if cls.__module__.startswith("actions.") and not inspect.isabstract(cls)
    ]


def test_the_expected_actions_are_registered() -> None:
    registered = set(REGISTERED)
    assert registered >= {
        names.ACTION_SESSION_START,
        names.ACTION_RESTART,
        names.ACTION_VALIDATE_SLOT_MAPPINGS,
        names.VALIDATE_ORDER_FORM,
        names.ACTION_ORDER_FOLLOWUP,
        names.ACTION_CONFIRM_PENDING,
        names.ACTION_DECLINE_PENDING,
        names.ACTION_CLARIFY,
        names.ACTION_HANDOFF_TO_HUMAN,
        names.ACTION_HANDBACK,
        names.ACTION_END_HANDOFF,
        names.ACTION_OFFER_PERSON_LOOKUP,
    }


def test_action_names_are_unique() -> None:
    # rasa_sdk silently replaces an action registered twice under one name.
    seen: dict[str, str] = {}
    for cls in project_actions():
        name = cls().name()
        assert name not in seen, f"{name} is defined by {seen[name]} and {cls.__qualname__}"
        seen[name] = cls.__qualname__


@pytest.mark.parametrize("cls", project_actions(), ids=lambda cls: cls.__name__)
def test_every_action_is_in_the_domain(cls: type) -> None:
    name = cls().name()
    if name.startswith("validate_") and name[len("validate_") :] in DOMAIN["forms"]:
        return
    assert name in DOMAIN["actions"], (
        f"{cls.__name__}.name() = {name!r} is not listed in domain.yml actions"
    )


def test_every_domain_action_has_a_class() -> None:
    registered = set(REGISTERED)
    assert set(DOMAIN["actions"]) <= registered


def test_class_names_match_action_names() -> None:
    # ActionHandoffToHuman <-> action_handoff_to_human, ValidateOrderForm <-> validate_order_form
    for cls in project_actions():
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        assert snake == cls().name(), cls.__name__


def _python_sources() -> list[Path]:
    return sorted((ROOT / "actions").rglob("*.py"))


def test_every_response_used_in_the_code_exists() -> None:
    used: dict[str, Path] = {}
    for path in _python_sources():
        for match in re.finditer(r"""["'](utter_\w+)["']""", path.read_text(encoding="utf-8")):
            used.setdefault(match.group(1), path)
    # the scan must see the code under test, or it proves nothing
    assert {"utter_invalid_order_number", "utter_handoff_queue", "utter_clarify_again"} <= set(used)
    missing = {
        name: str(path.relative_to(ROOT))
        for name, path in used.items()
        if name not in DOMAIN["responses"]
    }
    assert not missing, f"responses used but not in domain.yml: {missing}"


def test_response_keyword_calls_all_found() -> None:
    # every `response="utter_…"` literal is among the names checked above
    for path in _python_sources():
        for match in re.finditer(r"""response=["'](\w+)["']""", path.read_text(encoding="utf-8")):
            assert match.group(1) in DOMAIN["responses"], f"{path.name}: {match.group(1)}"


def _constants(prefix: str) -> dict[str, str]:
    return {
        key: value
        for key, value in vars(names).items()
        if key.startswith(prefix) and isinstance(value, str)
    }


def test_every_slot_name_is_a_domain_slot() -> None:
    slots = _constants("SLOT_")
    assert len(slots) > 20
    missing = {
        key: value
        for key, value in slots.items()
        if value != "requested_slot" and value not in DOMAIN["slots"]
    }
    assert not missing


def test_handoff_slots_are_domain_slots() -> None:
    assert all(name in DOMAIN["slots"] for name in names.HANDOFF_SLOTS)


def test_every_action_constant_is_a_domain_action() -> None:
    actions_ = {**_constants("ACTION_"), "VALIDATE_ORDER_FORM": names.VALIDATE_ORDER_FORM}
    missing = {
        k: v for k, v in actions_.items() if v != "action_listen" and v not in DOMAIN["actions"]
    }
    assert not missing


def test_every_intent_constant_is_a_domain_intent() -> None:
    domain_intents = {i if isinstance(i, str) else next(iter(i)) for i in DOMAIN["intents"]}
    missing = {
        k: v
        for k, v in _constants("INTENT_").items()
        if v not in domain_intents | RASA_DEFAULT_INTENTS
    }
    assert not missing


def test_form_and_pending_values_match_the_domain() -> None:
    assert names.ORDER_FORM in DOMAIN["forms"]
    assert set(DOMAIN["forms"][names.ORDER_FORM]["required_slots"]) == {
        names.SLOT_ORDER_NUMBER,
        names.SLOT_ORDER_VERIFIER,
    }
    pending = DOMAIN["slots"][names.SLOT_PENDING_CONFIRMATION]["values"]
    assert {names.PENDING_CANCEL, names.PENDING_RETURN, names.PENDING_HANDOFF} == set(pending)
