"""Check a pydantic (1.10) model against the handoff JSON Schema in docs/contract.

Both sides of the bot ↔ inbox contract have their own models (they never import
each other); this compares each with the one schema: the same properties, the
same required ones, no extra properties, and the same enums and bounds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "contract" / "handoff.schema.json"
BOUNDS = ("maxLength", "minLength", "maximum", "minimum", "maxItems", "pattern")


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _model_node(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """A pydantic schema node with $ref and single-item allOf resolved."""
    node = _resolve(node, root)
    if "allOf" in node and len(node["allOf"]) == 1:
        node = {
            **_resolve(node["allOf"][0], root),
            **{k: v for k, v in node.items() if k != "allOf"},
        }
    return node


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("type")
    if kind is None:
        return set()
    return {kind} if isinstance(kind, str) else set(kind)


def compare(
    doc: dict[str, Any],
    doc_root: dict[str, Any],
    model: dict[str, Any],
    model_root: dict[str, Any],
    path: str,
) -> list[str]:
    """Differences between a node of the documented schema and the model's."""
    doc = _resolve(doc, doc_root)
    model = _model_node(model, model_root)
    problems: list[str] = []
    same_const = "enum" in doc and len(doc["enum"]) == 1 and model.get("const") == doc["enum"][0]
    if (
        "enum" in doc
        and not same_const
        and sorted(map(str, doc["enum"])) != sorted(map(str, model.get("enum", [])))
    ):
        problems.append(f"{path}: enum {doc['enum']} vs {model.get('enum', model.get('const'))}")
    for bound in BOUNDS:
        if bound in doc and doc[bound] != model.get(bound):
            problems.append(f"{path}: {bound} {doc[bound]} vs {model.get(bound)}")
    if "object" in _types(doc) and "properties" in doc:
        doc_props, model_props = doc["properties"], model.get("properties", {})
        if set(doc_props) != set(model_props):
            problems.append(f"{path}: properties {sorted(doc_props)} vs {sorted(model_props)}")
        if set(doc.get("required", [])) != set(model.get("required", [])):
            problems.append(
                f"{path}: required {sorted(doc.get('required', []))} vs {sorted(model.get('required', []))}"
            )
        if (
            doc.get("additionalProperties") is False
            and model.get("additionalProperties") is not False
        ):
            problems.append(f"{path}: the model accepts extra properties")
        for name in set(doc_props) & set(model_props):
            problems += compare(
                doc_props[name], doc_root, model_props[name], model_root, f"{path}.{name}"
            )
    if "array" in _types(doc) and "items" in doc:
        problems += compare(doc["items"], doc_root, model.get("items", {}), model_root, f"{path}[]")
    return problems


def differences(model: type[BaseModel]) -> list[str]:
    """Where ``model`` departs from the documented handoff schema (empty: it matches)."""
    doc = load_schema()
    generated = model.schema()
    return compare(doc, doc, generated, generated, "handoff")
