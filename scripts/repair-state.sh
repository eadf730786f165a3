#!/usr/bin/env bash
# Repairs what a SIGKILL of `pulumi` can leave in the project's file backend.
# The backend writes a stack's checkpoint beside a small attributes file
# (<stack>.json.attrs); a kill in the middle of writing the latter leaves it
# empty, and every later command on that stack fails with "failed to load
# checkpoint: EOF". The checkpoint itself is intact and loads without its
# attributes file, so empty ones are removed. Safe to run at any time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${PULUMI_BACKEND_URL:-file://$(cd "$here/.." && pwd)/.pulumi-state}"
case "$url" in file://*) state="${url#file://}" ;; *) exit 0 ;; esac
[ -d "$state" ] || exit 0
find "$state" -name '*.attrs' -size 0 -print0 | while IFS= read -r -d '' f; do
  echo "[repair-state] removing $f (left empty by an interrupted pulumi)" >&2
  rm -f "$f"
done
