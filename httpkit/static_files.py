"""Static files that answer 404, never 500, to hostile paths.

Starlette's ``StaticFiles`` passes the decoded path to ``os.stat``: a NUL byte
(``/static/..%00/app.py``) raises ``ValueError`` and an over-long name raises
``OSError(ENAMETOOLONG)``, both of which escaped as 500 errors. No such path can
name a file we serve, so it is simply "not found".
"""

from __future__ import annotations

import os

from starlette.staticfiles import StaticFiles


class SafeStaticFiles(StaticFiles):
    """``StaticFiles`` whose look-up treats unusable paths as missing files."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if "\x00" in path:
            return "", None
        try:
            return super().lookup_path(path)
        except PermissionError:
            raise  # Starlette's own answer (401) stays
        except (OSError, ValueError):  # too long, invalid: no file of ours has such a name
            return "", None
