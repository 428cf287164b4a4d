"""Builds ``/widget.js``: the vendored socket.io client and the widget sources in one file.

Why one file: the embedding page adds a single script tag, and the widget must not
leak a global ``io`` into a page that may already use another socket.io version.
The vendored client is a UMD build; wrapped in a function that provides local
``module``/``exports`` it takes its CommonJS branch and stays private.

There is no build tool: the files are concatenated once at start-up, in the order
of ``CLIENT_MODULES`` (each is plain ES2017 and shares the wrapper's scope).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
VENDOR_SOCKET_IO = PACKAGE / "static" / "vendor" / "socket.io.min.js"
CLIENT_DIR = PACKAGE / "client"
# Dependency order: later files use what earlier ones define.
CLIENT_MODULES: Sequence[str] = (
    "util.js",
    "text.js",
    "storage.js",
    "server.js",
    "connection.js",
    "view.js",
    "widget.js",
)

_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)

HEADER = """/*! Northwind web chat widget. Embeds Socket.IO client (MIT licence,
 * (c) Guillermo Rauch and Socket.IO contributors; full text at
 * static/vendor/socket.io-LICENSE.txt next to this file). */
"""


@dataclass(frozen=True)
class Bundle:
    """The script text and its ETag."""

    text: str
    etag: str


def build(
    vendor: Path = VENDOR_SOCKET_IO,
    client_dir: Path = CLIENT_DIR,
    modules: Sequence[str] = CLIENT_MODULES,
) -> Bundle:
    """Concatenate the vendored client and the widget modules inside one private scope."""
    socket_io = _SOURCE_MAP.sub("", vendor.read_text(encoding="utf-8"))  # the .map is not shipped
    parts = [
        HEADER,
        "(function () {\n'use strict';\n",
        "var module = { exports: {} }; var exports = module.exports;\n",
        socket_io,
        "\nvar io = module.exports;\n",
    ]
    for name in modules:
        parts.append(f"\n/* ---- {name} ---- */\n")
        parts.append((client_dir / name).read_text(encoding="utf-8"))
    parts.append("\n})();\n")
    text = "".join(parts)
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    return Bundle(text=text, etag=etag)
