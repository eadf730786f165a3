#!/usr/bin/env bash
# Builds pgtier's PostgreSQL image from Debian packages, without a registry:
# debootstrap a minimal Debian, install postgresql-$PG_MAJOR into it, add the
# entrypoint from scripts/postgres-image, and `docker import` the tree.
#
# Idempotent: the image carries a label with a hash of this recipe and is only
# rebuilt when the recipe changes. The root filesystem tarball is cached outside
# the clone (PGTIER_CACHE, default ~/.cache/pgtier) so a lost image is
# re-imported in seconds.
#
#   PGTIER_IMAGE   tag to build (default pgtier/postgres:15)
#   PG_MAJOR       PostgreSQL major version from Debian (default 15)
#   DEBIAN_MIRROR  default: the first URI of this machine's apt sources
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
IMAGE="${PGTIER_IMAGE:-pgtier/postgres:$PG_MAJOR}"
SUITE="${DEBIAN_SUITE:-bookworm}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PGTIER_CACHE:-$HOME/.cache/pgtier}"
log() { echo "[build-postgres-image] $*" >&2; }

recipe="$( (cat "$0" "$here/postgres-image/docker-entrypoint.sh"; echo "$PG_MAJOR $SUITE") | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{ index .Config.Labels "pgtier.recipe" }}' "$IMAGE" 2>/dev/null || true)" = "$recipe" ]; then
  log "$IMAGE is up to date ($recipe)"
  exit 0
fi

tarball="$cache/images/postgres-$PG_MAJOR-$recipe.tar"
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
  mirror="${DEBIAN_MIRROR:-$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian\b' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | head -1 | awk '{print $2}' || true)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  root="$(mktemp -d "${TMPDIR:-/tmp}/pgtier-rootfs.XXXXXX")"
  trap 'umount -l "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
  log "debootstrap $SUITE from $mirror (about a minute)"
  debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >&2
  # No services may start inside the chroot, and Debian's postgresql-common
  # must not create its own cluster: the entrypoint owns PGDATA.
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  mkdir -p "$root/etc/postgresql-common"
  echo 'create_main_cluster = false' > "$root/etc/postgresql-common/createcluster.conf"
  mount -t proc proc "$root/proc"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" ca-certificates >&2
  umount -l "$root/proc"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root/usr/sbin/policy-rc.d" "$root"/usr/share/doc/* "$root"/usr/share/man/*
  install -m 0755 "$here/postgres-image/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  mkdir -p "$root/docker-entrypoint-initdb.d" "$root/var/lib/postgresql/data"
  mkdir -p "$(dirname "$tarball")" && rm -f "$cache/images/postgres-$PG_MAJOR-"*.tar
  tar -C "$root" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
fi

log "importing $tarball as $IMAGE"
docker import \
  --change "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV PGDATA=/var/lib/postgresql/data" \
  --change "ENV LANG=C.UTF-8" \
  --change "VOLUME /var/lib/postgresql/data" \
  --change "EXPOSE 5432" \
  --change "LABEL pgtier.recipe=$recipe" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  "$tarball" "$IMAGE" >&2
log "built $IMAGE ($recipe)"
