"""axe-core for the accessibility tests: fetched from the npm registry into .cache/,
checked against the pinned sha512, injected into a Playwright page. Never shipped:
the inbox itself loads no third-party script.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

AXE_VERSION = "4.10.2"
# `npm view axe-core@4.10.2 dist.integrity`
AXE_INTEGRITY = "sha512-RE3mdQ7P3FRSe7eqCWoeQ/Z9QXrtniSjp1wUjt5nRC3WIpz5rSCve6o3fsZ2aCpJtrZjSZgjwXAoTO5k4tEI0w=="
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "axe-core" / AXE_VERSION
# What the tests refuse: the two worst of axe's four impact levels.
BLOCKING = ("serious", "critical")


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def axe_source() -> str:
    """The text of axe.min.js, downloaded once with `npm pack` and verified."""
    script = CACHE / "axe.min.js"
    if script.exists():
        return script.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "npm is not installed: the accessibility tests fetch axe-core with it "
            "(apt-get install npm; .ci/run does)"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(CACHE), "--silent"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if result.returncode != 0 or not tarball.exists():
        pytest.fail(f"npm pack axe-core@{AXE_VERSION} failed: {result.stderr.strip()[-500:]}")
    if _integrity(tarball) != AXE_INTEGRITY:
        tarball.unlink()
        pytest.fail(f"axe-core-{AXE_VERSION}.tgz does not match the pinned sha512 integrity")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            pytest.fail("axe-core tarball has no package/axe.min.js")
        text = member.read().decode("utf-8")
    script.write_text(text, encoding="utf-8")
    return text


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (WCAG 2.x A and AA rules and best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary).slice(0, 5),
          }));
        }"""
    )


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]
