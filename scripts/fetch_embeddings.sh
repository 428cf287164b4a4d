#!/usr/bin/env bash
# Install the pretrained word embeddings the NLU reads (northwind_nlu/) into a
# git-ignored cache, at a pinned version and hash. Called by bootstrap.sh on
# every run: when the cache already holds the right files it only checks their
# hashes (well under a second) and fetches nothing. Nothing is downloaded when
# Rasa trains or serves.
#
# Why a download step and not the lock file: the token-embedding matrix and its
# tokenizer ship inside the `wordllama` wheel (MIT licence), whose releases
# require numpy>=2 and pydantic>=2, which Rasa 3.6 forbids. So the wheel is never
# installed: pip downloads that one file (no dependencies) and only two data
# files are extracted from it. The weights are the same in every platform's
# wheel; the x86_64 one is always requested so every machine fetches the same
# file, and the extracted files are checked against the hashes pinned here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
CACHE="${NORTHWIND_EMBEDDINGS_DIR:-$ROOT/.cache/embeddings}"

WORDLLAMA_VERSION="0.4.0.post1"
# <file inside the wheel> <name in the cache> <sha256 of the file>
FILES=(
  "wordllama/weights/l2_supercat_256.safetensors l2_supercat_256.safetensors 64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
  "wordllama/tokenizers/l2_supercat_tokenizer_config.json l2_supercat_tokenizer_config.json 93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
)

cache_ok() {
  local entry member name sha
  for entry in "${FILES[@]}"; do
    read -r member name sha <<<"$entry"
    [ -f "$CACHE/$name" ] || return 1
    [ "$(sha256sum "$CACHE/$name" | cut -d' ' -f1)" = "$sha" ] || return 1
  done
}

if cache_ok; then
  exit 0
fi

PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "error: $PY not found; run scripts/bootstrap.sh first" >&2; exit 1; }

echo "==> Fetching the word embeddings (wordllama $WORDLLAMA_VERSION wheel, data files only) into ${CACHE#"$ROOT"/}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --platform manylinux2014_x86_64 --python-version 3.10 --implementation cp --abi cp310 \
  -d "$tmp" "wordllama==$WORDLLAMA_VERSION" \
  || { echo "error: could not download wordllama==$WORDLLAMA_VERSION from PyPI" >&2; exit 1; }

wheel="$(ls "$tmp"/wordllama-*.whl)"
mkdir -p "$tmp/out"
for entry in "${FILES[@]}"; do
  read -r member name sha <<<"$entry"
  "$PY" - "$wheel" "$member" "$tmp/out/$name" <<'PYEOF'
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst)
PYEOF
  got="$(sha256sum "$tmp/out/$name" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    cat >&2 <<MSG
error: $member in wordllama==$WORDLLAMA_VERSION has sha256 $got,
       expected $sha (pinned in scripts/fetch_embeddings.sh).
       The file on PyPI is not the one this project was built and measured with; nothing was installed.
MSG
    exit 1
  fi
done

mkdir -p "$CACHE"
for entry in "${FILES[@]}"; do
  read -r member name sha <<<"$entry"
  mv -f "$tmp/out/$name" "$CACHE/$name"
done
echo "    verified: $(for entry in "${FILES[@]}"; do read -r _ name _ <<<"$entry"; printf '%s ' "$name"; done)"
