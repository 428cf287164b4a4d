#!/usr/bin/env bash
# Create (or refresh) the virtual environment from requirements.lock.
# Rasa 3.6 needs Python 3.10: this finds one on PATH or through pyenv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
LOCK="$ROOT/requirements.lock"

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" python3.10 \
      "$(command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 \
      "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ]; then
      if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
        echo "$candidate"
        return 0
      fi
    fi
  done
  return 1
}

lock_hash="$(sha256sum "$LOCK" | cut -c1-16)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.lock-hash" 2>/dev/null)" = "$lock_hash" ]; then
  # The venv is current; the embeddings step is cheap when its cache is right.
  exec bash "$ROOT/scripts/fetch_embeddings.sh"
fi

if ! PY="$(find_python310)"; then
  cat >&2 <<'MSG'
error: Python 3.10 was not found (Rasa 3.6 does not install on 3.11 or newer).
Install it, then run this command again, for example:
  pyenv install 3.10.13            # with pyenv (https://github.com/pyenv/pyenv)
  sudo apt-get install python3.10 python3.10-venv   # Debian/Ubuntu with 3.10 packages
or point to one: PYTHON310=/path/to/python3.10 make run
MSG
  exit 1
fi

echo "==> Creating the virtual environment in $VENV with $PY ($("$PY" --version 2>&1))"
[ -d "$VENV" ] && [ ! -x "$VENV/bin/python" ] && rm -rf "$VENV"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25"
echo "==> Installing the pinned dependencies (requirements.lock); the first time takes a few minutes"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$LOCK"
"$VENV/bin/python" -m pip check >/dev/null || { "$VENV/bin/python" -m pip check; exit 1; }
echo "$lock_hash" > "$VENV/.lock-hash"
bash "$ROOT/scripts/fetch_embeddings.sh"
