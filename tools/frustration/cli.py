"""Command line: `python -m tools.frustration replay FILE`, `... fit PATH`, `... fit-text`, `... evaluate FILE`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import TextIO

from actions.frustration.detector import Detector, get_detector


def _open_input(path: str) -> TextIO:
    if path == "-":
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(encoding="utf-8", errors="replace")
        return sys.stdin
    return open(path, encoding="utf-8", errors="replace")


def _print_metrics(replayed: list, stream: TextIO) -> None:
    from tools.frustration.replay import compute_metrics

    metrics = compute_metrics(replayed)
    if metrics.turns is None and metrics.conversations is None:
        stream.write("metrics: no labels in the input\n")
        return
    if metrics.turns is not None:
        stream.write(
            "turns (score vs label; decision = level != calm): "
            + json.dumps(metrics.turns.as_dict())
            + "\n"
        )
    if metrics.conversations is not None:
        stream.write(
            "conversations (highest score vs escalate; decision = escalate_at set): "
            + json.dumps(metrics.conversations.as_dict())
            + "\n"
        )


def run_replay(args: argparse.Namespace) -> int:
    """Replay a JSONL file or stdin and write one result line per conversation."""
    from tools.frustration.replay import load_nlu, replay_lines

    detector: Detector = get_detector(args.config)
    nlu = load_nlu(args.model) if args.model else None
    replayed = []
    try:
        source = _open_input(args.file)
    except OSError as error:
        sys.stderr.write(f"cannot read {args.file}: {error}\n")
        return 2
    with source:
        for conversation in replay_lines(detector, source, sys.stderr, nlu):
            sys.stdout.write(json.dumps(conversation.output(), ensure_ascii=False) + "\n")
            if args.metrics:
                replayed.append(conversation)
    if args.metrics:
        _print_metrics(replayed, sys.stderr)
    return 0


def run_fit(args: argparse.Namespace) -> int:
    """Fit weights and thresholds on a labelled JSONL file and write them into the config."""
    from tools.frustration.fit import fit_command

    return fit_command(args.path, config=args.config, write=not args.dry_run, seed=args.seed)


def run_fit_text(args: argparse.Namespace) -> int:
    """Fit the GoEmotions text model and write emotion_model.npz."""
    from tools.frustration.fit_text import fit_text_command

    return fit_text_command(args.data, args.out)


def run_evaluate(args: argparse.Namespace) -> int:
    """Print detector vs VADER vs text-model figures, one table per labelled file."""
    from tools.frustration.evaluate import evaluate_files

    print(evaluate_files(args.files, seed=args.seed))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so tests can inspect it)."""
    parser = argparse.ArgumentParser(prog="python -m tools.frustration", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    replay = sub.add_parser(
        "replay", help="score conversations from JSON Lines (FILE or - for stdin)"
    )
    replay.add_argument("file", metavar="FILE")
    replay.add_argument(
        "--metrics", action="store_true", help="print precision/recall/F1/ROC-AUC to stderr"
    )
    replay.add_argument("--model", help="trained Rasa model (.tar.gz) for intents and confidences")
    replay.add_argument(
        "--config", help="config file (default: $FRUSTRATION_CONFIG or the packaged one)"
    )
    replay.set_defaults(handler=run_replay)
    fit = sub.add_parser("fit", help="fit signal weights and thresholds on labelled conversations")
    fit.add_argument("path", metavar="PATH")
    fit.add_argument("--config", help="config file to update (default: the packaged one)")
    fit.add_argument("--dry-run", action="store_true", help="report only, do not write the config")
    fit.add_argument(
        "--seed", type=int, default=13, help="seed of the train/validation split by dialogue id"
    )
    fit.set_defaults(handler=run_fit)
    fit_text = sub.add_parser(
        "fit-text", help="fit the text model on GoEmotions (writes emotion_model.npz)"
    )
    fit_text.add_argument(
        "--data", help="GoEmotions folder (default: ../shared/emotions next to the project)"
    )
    fit_text.add_argument(
        "--out", help="where to write the model (default: the packaged emotion_model.npz)"
    )
    fit_text.set_defaults(handler=run_fit_text)
    evaluate = sub.add_parser(
        "evaluate",
        help="detector vs VADER and the text model alone on labelled files (a Markdown table per file)",
    )
    evaluate.add_argument("files", metavar="FILE", nargs="+")
    evaluate.add_argument(
        "--seed", type=int, default=13, help="seed of the train/validation split (as in fit)"
    )
    evaluate.set_defaults(handler=run_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m tools.frustration`."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))
