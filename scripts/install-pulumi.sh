#!/usr/bin/env bash
# Puts the Pulumi CLI (pinned) and a Node.js language host on PATH.
#
# Order of preference: a `pulumi` already on PATH whose version matches; the
# official installer's layout in ~/.pulumi/bin; otherwise build the CLI from its
# Go module through the Go module proxy, and build pgtier's own Node.js language
# host (tools/language-host) beside it. Builds land in a cache outside the clone
# (PGTIER_CACHE, default ~/.cache/pgtier) so reruns are instant.
#
# Prints the directory to put on PATH as its last line.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PGTIER_CACHE:-$HOME/.cache/pgtier}"
bin="$cache/pulumi-v$PULUMI_VERSION/bin"
log() { echo "[install-pulumi] $*" >&2; }

has_version() { # $1: a pulumi binary
  [ -x "$1" ] && [ "$("$1" version 2>/dev/null)" = "v$PULUMI_VERSION" ]
}

host_fresh() { # the language host is rebuilt whenever its source changes
  local stamp="$bin/.language-host.sha"
  [ -x "$bin/pulumi-language-nodejs" ] && [ -f "$stamp" ] &&
    [ "$(cat "$stamp")" = "$(host_hash)" ]
}
host_hash() { cat "$here"/tools/language-host/*.go "$here"/tools/language-host/go.mod | sha256sum | cut -d' ' -f1; }

mkdir -p "$bin"

# 1. The CLI.
if ! has_version "$bin/pulumi"; then
  existing="$(command -v pulumi || true)"
  if [ -n "$existing" ] && has_version "$existing" && [ -x "$(dirname "$existing")/pulumi-language-nodejs" ]; then
    log "using $existing"
    dirname "$existing"
    exit 0
  fi
  log "building the Pulumi CLI v$PULUMI_VERSION from its Go module (first run only, a few minutes)"
  work="$cache/pulumi-cli-build"
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  # The CLI's own go.mod replaces atotto/clipboard; replace directives of a
  # dependency are ignored, so this wrapper module repeats it.
  cat > go.mod <<MOD
module pgtier.local/pulumi-cli

go 1.25

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >&2
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  has_version "$bin/pulumi" || { log "built pulumi does not report v$PULUMI_VERSION"; exit 1; }
fi

# 2. The Node.js language host (pgtier's own, see tools/language-host/README.md).
if ! host_fresh; then
  log "building the Node.js language host"
  (cd "$here/tools/language-host" && go build -trimpath -o "$bin/pulumi-language-nodejs" . >&2)
  host_hash > "$bin/.language-host.sha"
fi

log "pulumi $("$bin/pulumi" version) in $bin"
echo "$bin"
