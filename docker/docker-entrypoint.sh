#!/bin/sh
# Maps the container's short environment variables to the server's settings (Homeserver__*, README.md) and runs it.
# A Homeserver__* variable set by the caller always wins over the short name for the same setting.
# The server makes its signing key (Homeserver__SigningKeyPath, default /data/signing.key) on first start.
set -eu

fail() {
  echo "docker-entrypoint: $*" >&2
  exit 2
}

# Quotes a value for an Npgsql connection string: in double quotes, a double quote is doubled.
quote() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"
}

if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -r "$POSTGRES_PASSWORD_FILE" ] || fail "POSTGRES_PASSWORD_FILE '$POSTGRES_PASSWORD_FILE' cannot be read"
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi

if [ -z "${Homeserver__Database__ConnectionString:-}" ]; then
  # The image has no Postgres of its own (the server's local cluster needs Debian's binaries): one must be named.
  [ -n "${POSTGRES_HOST:-}" ] || fail "set POSTGRES_HOST (and POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB)" \
    "or Homeserver__Database__ConnectionString"
  connection="Host=$(quote "$POSTGRES_HOST");Port=${POSTGRES_PORT:-5432}"
  connection="$connection;Database=$(quote "${POSTGRES_DB:-homeserver}");Username=$(quote "${POSTGRES_USER:-homeserver}")"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    connection="$connection;Password=$(quote "$POSTGRES_PASSWORD")"
  fi
  export Homeserver__Database__ConnectionString="$connection"
fi

if [ -z "${Homeserver__Redis__Configuration:-}" ] && [ -n "${REDIS_HOST:-}" ]; then
  redis="$REDIS_HOST:${REDIS_PORT:-6379}"
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    redis="$redis,password=$REDIS_PASSWORD"
  fi
  export Homeserver__Redis__Configuration="$redis"
fi

# set_default NAME VALUE: exports Homeserver__NAME=VALUE unless the caller set it or VALUE is empty.
set_default() {
  eval "current=\${Homeserver__$1:-}"
  if [ -z "$current" ] && [ -n "$2" ]; then
    export "Homeserver__$1=$2"
  fi
}

set_default ServerName "${SERVER_NAME:-}"
set_default WellKnown__ClientBaseUrl "${PUBLIC_BASEURL:-}"
set_default SigningKeyPath "${SIGNING_KEY_FILE:-}"
set_default Registration__Enabled "${ENABLE_REGISTRATION:-}"
set_default Logging__Format "${LOG_FORMAT:-}"
set_default Logging__Level "${LOG_LEVEL:-}"
# Inside a container the listeners must take connections from outside it.
set_default Listen__Client "http://0.0.0.0:8008"
if [ -z "${Homeserver__Listen__Federation+set}" ]; then
  export Homeserver__Listen__Federation="https://0.0.0.0:8448"
fi

exec "${HOMESERVER_BIN:-/app/homeserver}" "$@"
