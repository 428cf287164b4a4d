"""Fixtures for the frustration tests: the packaged detector and variants of its config."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from actions.frustration.config import DEFAULT_CONFIG_PATH, FrustrationConfig, parse_config
from actions.frustration.detector import Detector, get_detector


@pytest.fixture(scope="session")
def raw_config() -> dict[str, Any]:
    """The packaged YAML as a mapping (tests copy it before changing anything)."""
    with open(DEFAULT_CONFIG_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The process-wide detector with the packaged config."""
    return get_detector()


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


@pytest.fixture
def make_config(raw_config: dict[str, Any]) -> Callable[..., FrustrationConfig]:
    """Build a config from the packaged one with nested overrides."""

    def build(changes: dict[str, Any] | None = None) -> FrustrationConfig:
        return parse_config(_merge(copy.deepcopy(raw_config), changes or {}), source="test")

    return build


@pytest.fixture
def make_detector(make_config: Callable[..., FrustrationConfig]) -> Callable[..., Detector]:
    """A detector with config overrides (shares the process-wide spaCy pipeline)."""

    def build(changes: dict[str, Any] | None = None) -> Detector:
        return Detector(make_config(changes))

    return build
