"""Compare NLU feature sets: count-only, pretrained word embeddings, both; LR and DIET.

For each config in docs/nlu-features/ it runs a full ``rasa train`` (NLU and
dialogue, timed), then, in a fresh process, loads the model, parses every
message of the test sets (intent accuracy and macro-F1, as the pipeline answers,
FallbackClassifier included) and times ``parse_message`` after a warm-up
(p50/p95), and reads the process's resident memory. Models go to --out, never
to models/. tests/nlu/field.yml is used when it exists, for measuring only.

    python scripts/bench_nlu_features.py [--configs counts-lr combined-lr ...] \
        [--out /tmp/nlu-features] [--data data] [--write]

--write saves the table to docs/benchmarks-nlu-features.md (scripts/bench merges
it into docs/benchmarks.md). Not a test: one run per config on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "docs" / "nlu-features"
TEST_SETS = {"tests/nlu": ROOT / "tests/nlu/test_nlu.yml", "field": ROOT / "tests/nlu/field.yml"}
DEFAULT_CONFIGS = ["counts-lr", "embeddings-lr", "combined-lr", "combined-diet"]
LATENCY_MESSAGES = [
    "where is my order?",
    "I am waiting for a rebate of 350 dollars",
    "do you take paypal",
    "hw can i cancel purchase",
    "I want to talk to a person",
    "can I get a bill for order 10482",
    "my payment failed twice now and I'm getting annoyed, can someone look at it",
    "thanks",
]


HEADER = [
    "# NLU features (scripts/bench_nlu_features.py)",
    "",
    "Count features only (today's pipeline before this), pretrained word embeddings only",
    "(northwind_nlu.featurizer.WordEmbeddingFeaturizer: wordllama's 256-d token vectors, averaged and",
    "L2-normalised), and both, with LogisticRegression and with DIET; configs in docs/nlu-features/.",
    "Each cell: intent accuracy / macro-F1 as the pipeline answers (FallbackClassifier at 0.35 included),",
    "then in brackets the classifier's own top intent. tests/nlu/field.yml is never trained on.",
    "Training and parse times are given as wall clock and, in brackets, CPU time: the 2 cores are",
    "shared with other jobs, so wall clock can be inflated; CPU time is what the work costs.",
    "Parse: `Agent.parse_message` (NLU only) on 8 messages x 25 after a 40-message warm-up.",
    "Reproduce (models go to /tmp, never to models/):",
    "",
    "```bash",
    ". scripts/env.sh",
    "cp -r data /tmp/nlu-data   # one snapshot, so every config trains on the same data",
    ".venv/bin/python scripts/bench_nlu_features.py --data /tmp/nlu-data \\",
    "    --configs counts-lr embeddings-lr combined-lr combined-lr-scale3 --write",
    ".venv/bin/python scripts/bench_nlu_features.py --configs combined-diet   # slow: DIET",
    "```",
    "",
]
# What the figures mean; written by hand after the run of the date below.
NOTES: list[str] = [
    "Measured 2026-12-03 on data/nlu as it was at 10:16 (3,241 examples, 34 intents), one run each.",
    "DIET, one run (slow; same day at 09:58 on the data then, ~3,100 examples): combined-diet, i.e. count",
    "features and embeddings (scale 1) with DIETClassifier at 20 epochs: tests/nlu 0.957 / 0.970",
    "(0.968 / 0.971), field 0.926 / 0.937 (0.936 / 0.937), full `rasa train` 890 s wall (502 s CPU),",
    "parse p50 / p95 12.0 / 15.5 ms (7.4 / 9.4 ms CPU), 1,313 MB after load (TensorFlow).",
    "",
    "What the figures say:",
    "",
    "- Chosen for config.yml: combined-lr-scale3. Against count features alone, on the same data,",
    "  field accuracy 0.909 -> 0.924 and macro-F1 0.921 -> 0.933, tests/nlu macro-F1 0.971 -> 0.986.",
    "  It costs about 18 s of training (37 -> 55 s, far under the 3-minute aim), about 1.3 ms CPU per",
    "  parse at p95 (4.1 -> 5.4 ms; 8.9 ms wall, under the 30 ms aim) and 31 MB of resident memory (the",
    "  tokenizer's vocabulary and the touched rows of the memory-mapped 16 MB matrix).",
    "- Weight matters: as unit vectors (scale 1) the embeddings add almost nothing next to the counts",
    "  (field 0.910 vs 0.909): the classifier's L2 penalty keeps the weights on 256 small values small.",
    "  Multiplied by 3 they count. (A quick scikit-learn check, tests/nlu macro-F1: x1 0.967, x3 0.976, x10 0.967.)",
    "- Embeddings alone are behind counts on both sets and less confident: the 0.35 fallback costs",
    "  them 2.4 points on the field set. Counts carry the exact phrasings and, through character",
    "  n-grams, typos; the embeddings add the synonyms the data lacks (rebate, bill, parcel).",
    "- The gain shrinks as data/nlu grows towards the field set's styles: on the smaller data of",
    "  09:27 the same day, combined (scale 1) raised field accuracy from 0.863 to 0.905.",
    "- DIET with both feature sets scores best on the field set (+0.003 accuracy over the chosen",
    "  config) but trains 16 times longer, beyond the 3-minute aim on 2 cores, and doubles the",
    "  server's memory: not chosen.",
]


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, from /proc (MB)."""
    fields = dict(
        line.split(":", 1)
        for line in Path("/proc/self/status").read_text().splitlines()
        if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def evaluate(model: Path) -> dict[str, object]:
    """Runs in its own process: quality per test set, latency, memory."""
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    base_rss, _ = _rss_mb()
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    result: dict[str, object] = {}
    for name, path in TEST_SETS.items():
        if not path.exists():
            continue
        gold, answered, classifier = [], [], []
        for text, intent in _examples(path):
            parsed = parse(text)
            gold.append(intent)
            answered.append(parsed["intent"]["name"])
            ranking = [
                r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"
            ]
            classifier.append(ranking[0] if ranking else "")
        result[name] = {
            "n": len(gold),
            "accuracy": accuracy_score(gold, answered),
            "macro_f1": f1_score(
                gold, answered, average="macro", labels=sorted(set(gold)), zero_division=0
            ),
            "accuracy_no_fallback": accuracy_score(gold, classifier),
            "macro_f1_no_fallback": f1_score(
                gold, classifier, average="macro", labels=sorted(set(gold)), zero_division=0
            ),
        }
    for text in LATENCY_MESSAGES * 5:  # warm-up
        parse(text)
    wall, cpu = [], []
    for _ in range(25):
        for text in LATENCY_MESSAGES:
            start, start_cpu = time.perf_counter(), time.thread_time()
            parse(text)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
    wall.sort()
    cpu.sort()
    rss, peak = _rss_mb()
    p95 = int(len(wall) * 0.95) - 1
    result["latency_ms"] = {
        "p50": statistics.median(wall),
        "p95": wall[p95],
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": cpu[p95],
    }
    result["rss_mb"] = {"before_model": base_rss, "after": rss, "peak": peak}
    return result


def train(config: Path, out: Path, data: list[str]) -> tuple[float, float]:
    """Full `rasa train` (NLU and dialogue) with this config: wall and CPU seconds."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [
            str(ROOT / ".venv/bin/rasa"),
            "train",
            "--config",
            str(config),
            "--data",
            *data,
            "--out",
            str(out),
            "--fixed-model-name",
            config.stem,
            "--force",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(
            f"rasa train failed for {config.name}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def measure(name: str, out: Path, data: list[str]) -> dict[str, object]:
    """Train, then evaluate in a fresh process (clean memory figures)."""
    seconds, cpu_seconds = train(CONFIGS / f"{name}.yml", out, data)
    done = subprocess.run(
        [sys.executable, __file__, "--evaluate", str(out / f"{name}.tar.gz")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"evaluation failed for {name}:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["train_s"] = seconds
    figures["train_cpu_s"] = cpu_seconds
    return figures


def _cell(figures: dict[str, object], test_set: str) -> str:
    f = figures.get(test_set)
    if not f:
        return "—"
    return (
        f"{f['accuracy']:.3f} / {f['macro_f1']:.3f} "
        f"({f['accuracy_no_fallback']:.3f} / {f['macro_f1_no_fallback']:.3f})"
    )


def table(results: dict[str, dict[str, object]]) -> list[str]:
    """Markdown rows; extra memory is against the count-only model when it was measured."""
    baseline = results.get("counts-lr", {}).get("rss_mb", {}).get("after")
    sizes = {k: len(v) for k, v in ((n, _examples(p)) for n, p in TEST_SETS.items() if p.exists())}
    lines = [
        "| config | tests/nlu acc / macro-F1 (without fallback) | field acc / macro-F1 (without fallback) "
        "| full `rasa train`: wall (CPU) | parse p50 / p95: wall (CPU) | RSS after load (extra) |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in results.items():
        rss, lat = f["rss_mb"]["after"], f["latency_ms"]
        extra = f" (+{rss - baseline:.0f})" if baseline is not None and name != "counts-lr" else ""
        lines.append(
            f"| {name} | {_cell(f, 'tests/nlu')} | {_cell(f, 'field')} "
            f"| {f['train_s']:.0f} s ({f['train_cpu_s']:.0f} s) "
            f"| {lat['p50']:.1f} / {lat['p95']:.1f} ms ({lat['cpu_p50']:.1f} / {lat['cpu_p95']:.1f} ms) "
            f"| {rss:.0f} MB{extra} |"
        )
    lines.append("")
    lines.append(
        "Test-set sizes: "
        + ", ".join(f"{k} {v} messages" for k, v in sizes.items())
        + (" (tests/nlu/field.yml absent: not measured)" if "field" not in sizes else "")
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS)
    parser.add_argument("--out", type=Path, default=Path("/tmp/nlu-features"))
    parser.add_argument(
        "--data",
        nargs="+",
        default=["data"],
        help="training data paths (a snapshot keeps every config on the same data)",
    )
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--evaluate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.evaluate:
        print(json.dumps(evaluate(args.evaluate)))
        return 0
    results = {}
    for name in args.configs:
        print(f"==> {name}", file=sys.stderr, flush=True)
        results[name] = measure(name, args.out, args.data)
        print(json.dumps({name: results[name]}), file=sys.stderr, flush=True)
    lines = table(results)
    print("\n".join(lines))
    if args.write:
        (ROOT / "docs" / "benchmarks-nlu-features.md").write_text(
            "\n".join([*HEADER, *lines, "", *NOTES]) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
