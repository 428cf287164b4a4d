"""Fail when the NLU test set's intent macro-F1 is below the bar.

Reads the intent report `rasa test nlu` writes and prints a short summary, so
CI logs show the figure and the weakest intents.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path, help="intent_report.json from `rasa test nlu`")
    parser.add_argument("--min-macro-f1", type=float, default=0.90)
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    macro = report["macro avg"]["f1-score"]
    weighted = report["weighted avg"]["f1-score"]
    per_intent = {
        name: figures["f1-score"]
        for name, figures in report.items()
        if isinstance(figures, dict) and "support" in figures and name not in ("macro avg", "weighted avg", "micro avg")
    }
    weakest = sorted(per_intent.items(), key=lambda item: item[1])[:5]
    print(f"NLU test set: intent macro-F1 {macro:.3f}, weighted-F1 {weighted:.3f} over {len(per_intent)} intents")
    print("weakest: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest))
    if macro < args.min_macro_f1:
        print(f"FAIL: macro-F1 {macro:.3f} is below {args.min_macro_f1:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
