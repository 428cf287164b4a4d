#!/usr/bin/env bash
# Train the model only when the training data, domain, config or NLU components changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODEL=models/northwind.tar.gz
STAMP=models/.northwind.fingerprint
# northwind_nlu/*.py: custom NLU components; fetch_embeddings.sh pins the word embeddings they read.
fingerprint="$(cat config.yml domain.yml $(find data -name '*.yml' | sort) requirements.lock \
  northwind_nlu/*.py scripts/fetch_embeddings.sh | sha256sum | cut -c1-32)"
if [ -f "$MODEL" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$fingerprint" ]; then
  echo "==> Model is up to date ($MODEL)"
  exit 0
fi
echo "==> Training the model (data, domain or config changed)"
start=$(date +%s)
mkdir -p "${VAR:-var}"
"$ROOT/.venv/bin/rasa" train --fixed-model-name northwind --out models --quiet >"${VAR:-var}/train.log" 2>&1 \
  || { tail -n 40 "${VAR:-var}/train.log" >&2; exit 1; }
echo "$fingerprint" > "$STAMP"
echo "==> Trained in $(( $(date +%s) - start )) s"
