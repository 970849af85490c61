#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into an EMPTY database and media folder.
# Usage: ops/restore.sh BACKUP_DIR
# Reads DATABASE_URL (the database to restore into, which must exist and be empty) and
# MEDIA_ROOT (default var/media). Checks the checksums first; stops at the first error.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
source=${1:?usage: ops/restore.sh BACKUP_DIR}
media=${MEDIA_ROOT:-var/media}
(cd "$source" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$source/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$source/media.tar.gz"
echo "restored $source"
