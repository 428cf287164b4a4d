"""Fail when an NLU test set's intent macro-F1 or accuracy is below its bar.

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
    parser.add_argument("--min-accuracy", type=float, default=0.0)
    parser.add_argument("--name", default="NLU test set", help="what the report is of, for the log")
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    macro = report["macro avg"]["f1-score"]
    weighted = report["weighted avg"]["f1-score"]
    accuracy = report["accuracy"] if "accuracy" in report else report["micro avg"]["f1-score"]
    per_intent = {
        name: figures["f1-score"]
        for name, figures in report.items()
        if isinstance(figures, dict)
        and "support" in figures
        and name not in ("macro avg", "weighted avg", "micro avg")
    }
    weakest = sorted(per_intent.items(), key=lambda item: item[1])[:5]
    print(
        f"{args.name}: intent accuracy {accuracy:.3f}, macro-F1 {macro:.3f}, weighted-F1 {weighted:.3f}"
        f" over {len(per_intent)} intents"
    )
    print("weakest: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest))
    failed = False
    if macro < args.min_macro_f1:
        print(
            f"FAIL: {args.name} macro-F1 {macro:.3f} is below {args.min_macro_f1:.2f}",
            file=sys.stderr,
        )
        failed = True
    if accuracy < args.min_accuracy:
        print(
            f"FAIL: {args.name} accuracy {accuracy:.3f} is below {args.min_accuracy:.2f}",
            file=sys.stderr,
        )
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
