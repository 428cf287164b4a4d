"""docs/inbox-openapi.json is what the inbox serves: integrators read the file, not the code."""

from __future__ import annotations

from pathlib import Path

from inbox.__main__ import main

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "inbox-openapi.json"


def test_the_committed_openapi_document_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "openapi.json"
    main(["export-openapi", "--output", str(fresh)])
    assert fresh.read_text(encoding="utf-8") == DOCUMENT.read_text(encoding="utf-8"), (
        "docs/inbox-openapi.json is stale: run `python -m inbox export-openapi`"
    )
