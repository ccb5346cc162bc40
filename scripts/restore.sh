#!/bin/sh
# Restore a backup made by scripts/backup.sh into a new database and media folder.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_restored \
#   MEDIA_ROOT=/srv/portal/media-restored  scripts/restore.sh backups/20260105T030000Z
#
# The database DATABASE_URL names is created if it does not exist and must be empty;
# MEDIA_ROOT must be empty or missing: a restore never writes over live data. The
# checksums are checked first, and the database is restored in one transaction.
# Then point the portal at them (or rename them into place) and run
# `manage.py migrate` if the code is newer than the backup.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: scripts/restore.sh BACKUP_DIR" >&2
    exit 2
fi
source_dir="$1"
database_url="${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
media_root="${MEDIA_ROOT:?set MEDIA_ROOT to the folder to restore the files into}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-$here/../.venv/bin/python}"

if [ -e "$source_dir/INCOMPLETE" ] || [ ! -f "$source_dir/SHA256SUMS" ]; then
    echo "restore.sh: $source_dir is not a complete backup" >&2
    exit 1
fi
(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)

if [ -f "$source_dir/media.tar.gz" ] && [ -d "$media_root" ] \
    && [ -n "$(ls -A "$media_root")" ]; then
    echo "restore.sh: $media_root is not empty" >&2
    exit 1
fi

DATABASE_URL="$database_url" "$python" "$here/createdb.py"
tables="$(psql "$database_url" -tAc \
    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
    echo "restore.sh: the database already has $tables tables" >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname "$database_url" "$source_dir/database.dump"

if [ -f "$source_dir/media.tar.gz" ]; then
    mkdir -p "$media_root"
    tar -C "$media_root" -xzf "$source_dir/media.tar.gz"
fi
echo "restored $source_dir"
