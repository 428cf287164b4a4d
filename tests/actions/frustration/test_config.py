"""The config file parses, and mistakes in it fail loudly at load time."""

import pytest

from actions.frustration.config import SIGNAL_NAMES, ConfigError, load_config


def test_packaged_config_has_a_weight_for_every_signal():
    config = load_config()
    assert set(config.model.weights) == set(SIGNAL_NAMES)
    assert config.model.thresholds.annoyed <= config.model.thresholds.frustrated
    assert "en" in config.languages and config.phrases("request_human")


def test_unknown_signal_weight_is_rejected(make_config):
    with pytest.raises(ConfigError, match="unknown signals"):
        make_config({"model": {"weights": {"shoutting": 1.0}}})


def test_threshold_outside_zero_one_is_rejected(make_config):
    with pytest.raises(ConfigError, match="between 0 and 1"):
        make_config({"model": {"thresholds": {"escalate": 1.5}}})


def test_language_without_word_lists_is_rejected(make_config):
    with pytest.raises(ConfigError, match="no lexicon"):
        make_config({"languages": ["en", "pt"]})


def test_unknown_word_list_is_rejected(make_config):
    with pytest.raises(ConfigError, match="unknown word lists"):
        make_config({"lexicon": {"en": {"anger": ["grr"]}}})


def test_env_variable_selects_another_file(tmp_path, monkeypatch):
    from actions.frustration.config import DEFAULT_CONFIG_PATH, config_path

    copy = tmp_path / "f.yml"
    copy.write_text(
        DEFAULT_CONFIG_PATH.read_text(encoding="utf-8").replace("max_chars: 1000", "max_chars: 50")
    )
    monkeypatch.setenv("FRUSTRATION_CONFIG", str(copy))
    assert config_path() == copy
    assert load_config().max_chars == 50
