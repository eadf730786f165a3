#!/usr/bin/env bash
# Previews stacks under pgtier's policy pack (policies/), each with its
# enforcement config policies/config/<stack>.json, and fails when a mandatory
# policy is violated; advisory ones are printed and pass.
#   scripts/check-policies.sh [stack...]   (default: every stacks/Pulumi.<stack>.yaml)
# Each preview runs against a throwaway file backend, so it needs no state,
# takes no lock on yours, and creates nothing: no stack or container is left.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$PGTIER_ROOT"
log() { echo "[check-policies] $*" >&2; }
command -v pulumi >/dev/null || { log "pulumi is not installed yet: run scripts/setup.sh"; exit 1; }

stacks=("$@")
if [ ${#stacks[@]} -eq 0 ]; then
  for file in stacks/Pulumi.*.yaml; do
    [ -e "$file" ] || continue
    name="${file#stacks/Pulumi.}"
    stacks+=("${name%.yaml}")
  done
fi
[ ${#stacks[@]} -gt 0 ] || { log "no stacks/Pulumi.<stack>.yaml found"; exit 1; }

# Every stack says how strict the pack is for it: a stack without a pack config fails.
missing=()
for stack in "${stacks[@]}"; do
  [ -f "policies/config/$stack.json" ] || missing+=("$stack")
done
if [ ${#missing[@]} -gt 0 ]; then
  for stack in "${missing[@]}"; do
    log "stack $stack has no policies/config/$stack.json; add one (see docs/policies.md: advisory for dev, mandatory otherwise)"
  done
  exit 1
fi

npm run --silent build >&2
npx tsc -p policies >&2

backend="$(mktemp -d "${TMPDIR:-/tmp}/pgtier-policy-check.XXXXXX")"
trap 'rm -rf "$backend"' EXIT
export PULUMI_BACKEND_URL="file://$backend"

failed=()
for stack in "${stacks[@]}"; do
  log "previewing $stack with policies/config/$stack.json"
  # The stack's config file (and its encryptionsalt) is kept as it is.
  pulumi stack init "$stack" --non-interactive >/dev/null
  if ! pulumi preview --stack "$stack" --non-interactive --color never --diff=false \
    --policy-pack policies --policy-pack-config "policies/config/$stack.json"; then
    failed+=("$stack")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  log "policy violations (or a failed preview) in: ${failed[*]}"
  exit 1
fi
log "no mandatory policy violated in: ${stacks[*]}"
