#!/bin/sh
# One-shot setup job (admin-tools image): creates Temporal's two PostgreSQL databases and migrates
# their schemas to the version this image ships. Safe to re-run on every deploy: a database that
# exists is kept, a schema that exists is only brought up to date.
#   POSTGRES_SEEDS, DB_PORT        where PostgreSQL listens
#   POSTGRES_USER, POSTGRES_PWD    from deploy/temporal/.env (POSTGRES_PWD is the server's name for it);
#                                  an empty password or the example's `change-me` stops it (exit 2), and
#                                  with it the whole stack, which waits for this job
#   TEMPORAL_SCHEMA_DIR            the server's PostgreSQL schemas (default: where the admin-tools
#                                  image has them); TEMPORAL_SQL_TOOL the schema tool (default
#                                  temporal-sql-tool on PATH): `npm run stack:native` sets both
set -eu
: "${POSTGRES_SEEDS:?must name the PostgreSQL host}"
: "${POSTGRES_USER:?must be set in deploy/temporal/.env}"
: "${POSTGRES_PWD:?must be set in deploy/temporal/.env}"
case "$POSTGRES_PWD" in
  change-me)
    echo "POSTGRES_PWD in deploy/temporal/.env is still the example's password: choose your own (e.g. openssl rand -base64 24)" >&2
    exit 2
    ;;
esac
if [ "${POSTGRES_PASSWORD:-$POSTGRES_PWD}" != "$POSTGRES_PWD" ]; then
  echo "POSTGRES_PASSWORD (PostgreSQL's name) and POSTGRES_PWD (Temporal's) differ in deploy/temporal/.env: they must be equal" >&2
  exit 2
fi
# Passwords travel in the environment, never on a command line.
export SQL_PASSWORD="$POSTGRES_PWD" PGPASSWORD="$POSTGRES_PWD"
PORT=${DB_PORT:-5432}
SCHEMA_DIR=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
SQL_TOOL=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}

# sql_tool DATABASE COMMAND [ARGS...]
sql_tool() {
  db=$1
  shift
  "$SQL_TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" --db "$db" "$@"
}
has_schema() {
  [ "$(psql -h "$POSTGRES_SEEDS" -p "$PORT" -U "$POSTGRES_USER" -d "$1" -tAc "SELECT to_regclass('public.schema_version') IS NOT NULL")" = t ]
}

for target in temporal:temporal temporal_visibility:visibility; do
  db=${target%%:*}
  schema=${target#*:}
  sql_tool "$db" create
  has_schema "$db" || sql_tool "$db" setup-schema -v 0.0
  sql_tool "$db" update-schema -d "$SCHEMA_DIR/$schema/versioned"
  echo "database $db is at the schema version this image ships"
done
