#!/usr/bin/env bash
# Makes sure the local Redis and PostgreSQL that Takoss and its tests use are answering,
# starting (or, where missing, installing) them as on the CI machines, and creates the
# `takoss` role and database that docker-compose.yml would create (DESIGN.md §3.2).
set -euo pipefail

log() { printf '[services] %s\n' "$*" >&2; }

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$what did not come up"; return 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Redis ------------------------------------------------------------------------------
if ! command -v redis-server >/dev/null; then log "installing redis-server"; apt_install redis-server; fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi
policy=$(redis-cli -h 127.0.0.1 -p 6379 config get maxmemory-policy | tail -n 1)
[ "$policy" = noeviction ] || log "warning: Redis maxmemory-policy is $policy; Takoss refuses anything but noeviction"

# --- PostgreSQL -------------------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null; then log "installing postgresql"; apt_install postgresql; fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 -q
fi

# These machines trust local TCP logins; a fresh Debian install only trusts the postgres
# OS user on the socket (peer auth), so fall back to that.
if psql -h 127.0.0.1 -U postgres -d postgres -qtAX -c 'SELECT 1' >/dev/null 2>&1; then
  admin_psql() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAX "$@"; }
else
  admin_psql() { runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -qtAX "$@"; }
fi
if [ "$(admin_psql -c "SELECT 1 FROM pg_roles WHERE rolname = 'takoss'")" != 1 ]; then
  log "creating role takoss"
  admin_psql -c "CREATE ROLE takoss LOGIN PASSWORD 'takoss' CREATEDB"
fi
if [ "$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = 'takoss'")" != 1 ]; then
  log "creating database takoss"
  admin_psql -c "CREATE DATABASE takoss OWNER takoss"
fi
log "Redis and PostgreSQL are ready"
