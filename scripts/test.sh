#!/usr/bin/env bash
# Quick start, part two: the whole test suite (type check, lint, unit,
# integration against real containers, end to end through the Pulumi CLI).
# Installs what it needs first; safe to rerun.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$PGTIER_ROOT"
npm test
