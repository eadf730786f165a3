#!/usr/bin/env bash
# Installs and starts everything pgtier needs, and is safe to rerun:
#   1. a Docker engine (Debian's docker.io and dockerd, when none answers),
#   2. the PostgreSQL image built from Debian packages (pgtier/postgres:15),
#   3. the Pulumi CLI 3.248.0 and its Node.js language host,
#   4. npm packages, and the compiled program and provider (npm run build),
#      and the policy pack's own packages and build (policies/),
#   5. PostgreSQL client tools (pg_dump, pg_restore) for decommission backups.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
log() { echo "[setup] $*" >&2; }

# 1. Docker engine.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  if ! docker info >/dev/null 2>&1; then
    # A dockerd killed with its machine session leaves its pid file behind.
    pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
    if [ -n "$pid" ] && ! grep -qs dockerd "/proc/$pid/comm"; then rm -f /var/run/docker.pid; fi
    log "starting dockerd (log: /var/log/pgtier-dockerd.log)"
    # In a session of its own: whatever ran setup.sh (a CI step, a terminal) may
    # end and take its process group with it; the engine must outlive it.
    setsid nohup dockerd >/var/log/pgtier-dockerd.log 2>&1 </dev/null &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/pgtier-dockerd.log"; exit 1; }
  fi
fi

# 2. PostgreSQL image.
"$here/build-postgres-image.sh"

# 3. Pulumi CLI and language host.
command -v go >/dev/null || { log "go is needed to build the Pulumi CLI; install Go 1.25 or newer"; exit 1; }
bin="$("$here/install-pulumi.sh" | tail -1)"
export PATH="$bin:$PATH"

# 4. npm packages (only when package-lock.json changed) and the build.
cd "$PGTIER_ROOT"
stamp="node_modules/.pgtier-lock.sha"
lock_sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund >&2
  echo "$lock_sha" > "$stamp"
fi
npm run --silent build >&2
# The policy pack has its own packages (@pulumi/policy is not the program's).
pstamp="policies/node_modules/.pgtier-lock.sha"
plock_sha="$(sha256sum policies/package-lock.json | cut -d' ' -f1)"
if [ ! -f "$pstamp" ] || [ "$(cat "$pstamp")" != "$plock_sha" ]; then
  log "npm ci (policies)"
  (cd policies && npm ci --no-audit --no-fund >&2)
  echo "$plock_sha" > "$pstamp"
fi
npx tsc -p policies >&2

# 5. pg_dump/pg_restore: decommissioning takes a final backup on this machine.
if ! command -v pg_dump >/dev/null 2>&1 || ! command -v pg_restore >/dev/null 2>&1; then
  log "installing Debian's postgresql-client (pg_dump, pg_restore)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
fi

log "ready: $(pulumi version), $(docker version --format 'docker {{.Server.Version}}'), node $(node --version)"
