"""Fixtures for the offline tools' tests: the packaged detector they replay through."""

from __future__ import annotations

import pytest

from actions.frustration.detector import Detector, get_detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The process-wide detector with the packaged config."""
    return get_detector()
