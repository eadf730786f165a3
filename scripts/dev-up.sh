#!/usr/bin/env bash
# Quick start, part one: set everything up and `pulumi up` the dev stack (the
# guide's topology), load the guide's sample rows once, and print the guide's
# cross-instance query. Safe to rerun: a second run changes nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$PGTIER_ROOT"
"$here/repair-state.sh"
stack="${PGTIER_STACK:-dev}"
pulumi stack select "$stack" >/dev/null 2>&1 || pulumi stack init "$stack"
pulumi up --stack "$stack" --yes
endpoint="$(pulumi stack output mainEndpoint --stack "$stack" --json)"
host="$(node -e 'console.log(JSON.parse(process.argv[1]).host)' "$endpoint")"
port="$(node -e 'console.log(JSON.parse(process.argv[1]).port)' "$endpoint")"
PGPASSWORD="$(pulumi config get pgtier:password --stack "$stack")" node dist/scripts/guide-demo.js "$host" "$port"
