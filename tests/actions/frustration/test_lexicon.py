"""Word-list matching with spaCy, loaded lazily and once."""

import subprocess
import sys
from pathlib import Path

from actions.frustration import lexicon
from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_package_does_not_load_spacy_or_vader():
    code = "import sys, actions.frustration, tools.frustration.cli; print('spacy' in sys.modules, 'vaderSentiment' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"


def test_spacy_pipeline_is_built_once_per_process(detector, make_config):
    detector.score_turn(TurnInput(text="hello"), None)
    Detector(make_config()).score_turn(TurnInput(text="hello again"), None)
    assert lexicon.NLP_LOAD_COUNT == 1


def test_matching_ignores_case_and_apostrophe_style(detector):
    analysis = detector.analyzer.analyse("YOU\u2019RE USELESS")
    assert analysis.matches.first("bot_complaint") == "YOU'RE USELESS"


def test_longest_phrase_wins_inside_one_list(detector):
    analysis = detector.analyzer.analyse("that's not what I asked")
    assert analysis.matches.count("bot_complaint") == 1
    assert analysis.matches.first("bot_complaint") == "that's not what I asked"


def test_token_patterns_match_numbers_and_ordinals(detector):
    assert detector.analyzer.analyse("I asked for the 4th time").matches.count("time_pressure") == 1
    assert detector.analyzer.analyse("it has been two weeks").matches.count("time_pressure") == 1
