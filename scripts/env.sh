# Shared environment for scripts/run and scripts/test: defaults for the
# embedded, single-machine setup. Anything already set in the environment wins.
# Secrets are generated once into var/.env.local (git-ignored), never committed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
mkdir -p "$VAR"

if [ ! -f "$VAR/.env.local" ]; then
  gen() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  umask 077
  {
    echo "HANDOFF_SECRET=$(gen)"
    echo "RASA_TOKEN=$(gen)"
    echo "INBOX_SESSION_SECRET=$(gen)"
    echo "INBOX_ADMIN_PASSWORD=$(gen | cut -c1-16)"
  } > "$VAR/.env.local"
fi
set -a
# shellcheck disable=SC1091
. "$VAR/.env.local"
set +a

export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export INBOX_PORT="${INBOX_PORT:-5080}"
export WEBCHAT_PORT="${WEBCHAT_PORT:-8080}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
export INBOX_URL="${INBOX_URL:-http://127.0.0.1:$INBOX_PORT}"
export TRACKER_STORE_DIALECT="${TRACKER_STORE_DIALECT:-sqlite}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-sqlite:///$VAR/rasa_tracker.db}"
export TRACKER_STORE_DB="${TRACKER_STORE_DB:-rasa}"
export CALLBACK_URL="${CALLBACK_URL:-http://127.0.0.1:5034/bot}"
export ORDER_BACKEND="${ORDER_BACKEND:-sql}"
export ORDER_DATABASE_URL="${ORDER_DATABASE_URL:-sqlite:///$VAR/orders.db}"
export OUTBOX_DATABASE_URL="${OUTBOX_DATABASE_URL:-sqlite:///$VAR/outbox.db}"
export INBOX_DATABASE_URL="${INBOX_DATABASE_URL:-sqlite:///$VAR/inbox.db}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
