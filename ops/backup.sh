#!/usr/bin/env bash
# Back up MSC Portal: the PostgreSQL database (pg_dump, custom format) and the media files
# (CVs, report files) into one dated folder. Usage: ops/backup.sh [TARGET_DIR]
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT (default var/media) from the environment.
# Run it from cron on the database host or a machine that reaches it; keep copies off-site,
# encrypted: the backup holds personal data (SECURITY.md).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
media=${MEDIA_ROOT:-var/media}
target=${1:-var/backups}/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$target"
chmod 700 "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
(cd "$target" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$target"
