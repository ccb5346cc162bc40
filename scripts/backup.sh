#!/bin/sh
# A backup of the portal: the database (pg_dump's custom format) and the media
# files (a tar of MEDIA_ROOT), in a new directory named after the time (UTC).
#
#   scripts/backup.sh [BACKUP_ROOT]        # default: $BACKUP_ROOT, else ./backups
#
# Reads DATABASE_URL (default: the settings' postgres://postgres@127.0.0.1:5432/portal)
# and MEDIA_ROOT (default: ./media). Prints the backup's directory. The database is
# dumped first and the files after, so every file a row of the dump names is in the
# tar (a file is stored before its row commits). With media on S3 (MEDIA_STORAGE=s3
# or AWS_STORAGE_BUCKET_NAME set) the tar is left out: keep the bucket versioned
# and replicated instead (docs/operating.md, "Backups").
set -eu

database_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
media_root="${MEDIA_ROOT:-media}"
backup_root="${1:-${BACKUP_ROOT:-backups}}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$backup_root/$stamp"
if [ -e "$target" ]; then
    echo "backup.sh: $target already exists" >&2
    exit 1
fi
mkdir -p "$target"
# Until the end, the directory says it is incomplete.
touch "$target/INCOMPLETE"

pg_dump --format=custom --no-owner --no-privileges --file "$target/database.dump" "$database_url"

if [ "${MEDIA_STORAGE:-}" = "s3" ] || [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
    echo "media on S3: not in this backup" > "$target/MEDIA_ON_S3"
    files="database.dump"
else
    mkdir -p "$media_root"
    tar -C "$media_root" -czf "$target/media.tar.gz" .
    files="database.dump media.tar.gz"
fi

# shellcheck disable=SC2086  # $files is a list of plain names
(cd "$target" && sha256sum $files > SHA256SUMS)
rm "$target/INCOMPLETE"
echo "$target"
