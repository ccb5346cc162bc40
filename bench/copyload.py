"""What the bench's COPY seeds share (bench/seed.py and its seed_* modules)."""

from django.db import connection


def next_ids(cursor, table) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


class CopyLoader:
    """What the COPY seeds share: ids counted on from each table's largest, rows written
    by COPY a chunk at a time, and each table's sequence set past them afterwards.

    A subclass names its `tables`, sets `self.columns` ({table: (columns, the other
    columns' defaults)}) and adds rows to the `rows` dict it is handed.
    """

    tables: list = []
    columns: dict = {}

    def _open(self, cursor):
        self.ids = {table: next_ids(cursor, table) for table in self.tables}

    def _id(self, table) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _copy(self, cursor, rows):
        for table, (names, extra) in self.columns.items():
            listed = ", ".join(f'"{name}"' for name in [*names, *extra])
            tail = tuple(extra.values())
            with cursor.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row + tail)

    def _close(self, cursor):
        for table in self.tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )

    def _load_chunks(self, count: int, make, chunk: int):
        """`count` calls of make(rows), written `chunk` at a time."""
        with connection.cursor() as cursor:
            self._open(cursor)
            done = 0
            while done < count:
                size = min(chunk, count - done)
                rows = {table: [] for table in self.tables}
                for _ in range(size):
                    make(rows)
                self._copy(cursor, rows)
                done += size
            self._close(cursor)
