#!/bin/sh
# Applies database migrations, then hands the process over to the service (PID 1 gets the signals).
set -eu
if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL must be set in the container (the embedded database is for local use only)." >&2
  exit 1
fi
node dist/apps/api/src/database/migrate.js
exec "$@"
