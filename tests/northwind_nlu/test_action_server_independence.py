"""The action server starts without the embeddings: only Rasa's NLU pipeline loads them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What `rasa run actions --actions actions` does at start-up, then what it imported.
PROBE = """
import json, sys
from rasa_sdk.executor import ActionExecutor
executor = ActionExecutor()
executor.register_package("actions")
print(json.dumps({
    "actions": len(executor.actions),
    "loaded": sorted(
        m for m in sys.modules
        if m in ("northwind_nlu.embeddings", "northwind_nlu.featurizer") or m.split(".")[0] == "tokenizers"
    ),
}))
"""


def test_registering_every_action_loads_neither_the_featurizer_nor_its_tokenizer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["actions"] > 0
    assert report["loaded"] == []
