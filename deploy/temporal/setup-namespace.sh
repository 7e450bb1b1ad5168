#!/bin/sh
# One-shot setup job (admin-tools image): waits for the Temporal frontend, creates the namespace
# when it is missing, and registers the search attributes given as NAME=TYPE arguments. Safe to
# re-run: what exists is left alone, and the job ends only once every attribute is listed.
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE   where to register
#   NAMESPACE_RETENTION                    closed-run retention of a new namespace (default 720h)
set -eu
: "${TEMPORAL_ADDRESS:?must name the Temporal frontend, e.g. temporal:7233}"
: "${TEMPORAL_NAMESPACE:?must name the namespace to set up}"
[ "$#" -gt 0 ] || { echo "usage: setup-namespace.sh NAME=TYPE..." >&2; exit 2; }

ATTEMPTS=60
# Runs "$@" until it succeeds, every 2 s, at most $ATTEMPTS times.
retry() {
  attempt=1
  until "$@"; do
    [ "$attempt" -lt "$ATTEMPTS" ] || { echo "gave up after $ATTEMPTS attempts: $*" >&2; return 1; }
    attempt=$((attempt + 1))
    sleep 2
  done
}

retry temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null
echo "Temporal at $TEMPORAL_ADDRESS is serving"

# The CLI reads TEMPORAL_ADDRESS itself, but not TEMPORAL_NAMESPACE for every command: pass both.
ns() {
  temporal operator "$@" --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE"
}

if ns namespace describe >/dev/null 2>&1; then
  echo "namespace $TEMPORAL_NAMESPACE exists"
else
  ns namespace create --retention "${NAMESPACE_RETENTION:-720h}" >/dev/null
  echo "namespace $TEMPORAL_NAMESPACE created"
fi

listed() {
  ns search-attribute list 2>/dev/null | grep -qw -- "$1"
}
# A new namespace is not visible to every service at once: creating an attribute may be refused for
# a few seconds, so each one is retried until it is listed.
register() {
  listed "$1" || { ns search-attribute create --name "$1" --type "$2" >/dev/null 2>&1 || true; listed "$1"; }
}
for pair in "$@"; do
  case $pair in
    ?*=?*) ;;
    *) echo "not NAME=TYPE: $pair" >&2; exit 2 ;;
  esac
  name=${pair%%=*}
  type=${pair#*=}
  retry register "$name" "$type"
  echo "search attribute $name ($type) registered"
done
