# Sourced by pgtier's scripts: where the tools are and how Pulumi is set up.
# Safe to source from a shell too: `source scripts/env.sh`, then `pulumi ...`.
PGTIER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGTIER_ROOT
export PGTIER_CACHE="${PGTIER_CACHE:-$HOME/.cache/pgtier}"
export PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
# The Pulumi CLI built by scripts/install-pulumi.sh, if there is one.
if [ -d "$PGTIER_CACHE/pulumi-v$PULUMI_VERSION/bin" ]; then
  export PATH="$PGTIER_CACHE/pulumi-v$PULUMI_VERSION/bin:$PATH"
fi
# State lives in the project (git-ignored); no account or network needed.
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PGTIER_ROOT/.pulumi-state}"
mkdir -p "$PGTIER_ROOT/.pulumi-state"
# The dev and test stacks' secrets are encrypted with this passphrase; set your
# own for any stack that holds real credentials.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-pgtier-dev}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export TESTCONTAINERS_RYUK_DISABLED=true
