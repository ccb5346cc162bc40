"""What PostgreSQL reads to answer a query: for tests that a cost follows the reader's data.

A test seeds rows with bulk_create, ANALYZEs the tables so the planner prices
them as it would in production, and compares what queries read before and
after the data that must not matter (other people's rows) is multiplied.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Reads:
    """Rows read from each table (kept or filtered out) and shared buffers touched."""

    rows: dict[str, int] = field(default_factory=dict)
    buffers: int = 0
    plans: list[str] = field(default_factory=list)
    each: list[dict[str, int]] = field(default_factory=list)  # rows read, plan by plan

    def __add__(self, other):
        rows = dict(self.rows)
        for table, n in other.rows.items():
            rows[table] = rows.get(table, 0) + n
        return Reads(
            rows, self.buffers + other.buffers, self.plans + other.plans, self.each + other.each
        )

    def of(self, table: str) -> int:
        return self.rows.get(table, 0)

    def reading(self, table: str, more_than: int = 0) -> str:
        """The plans that read more than `more_than` rows of `table`, for a failure's message."""
        return "\n\n".join(
            plan
            for plan, rows in zip(self.plans, self.each, strict=True)
            if rows.get(table, 0) > more_than
        )


def analyze():
    """Fresh statistics for every table, as autovacuum keeps them in production.

    All of them: a table left with another test's figures (ANALYZE's row
    counts outlive a rolled-back test) would make the planner price a query
    on data that is not there.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _walk(node, rows: dict):
    table = node.get("Relation Name")
    if table:
        read = (
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        )
        rows[table] = rows.get(table, 0) + read * node.get("Actual Loops", 1)
    for child in node.get("Plans", []):
        _walk(child, rows)


def explain(sql: str, params=()) -> Reads:
    """Run `sql` under EXPLAIN (ANALYZE, BUFFERS) and count what it read."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    top = plan["Plan"]
    rows = {}
    _walk(top, rows)
    buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return Reads(rows, buffers, [text], [rows])


def reads_of(run) -> Reads:
    """What the SELECTs that `run()` sends read, each explained again on its own."""
    with CaptureQueriesContext(connection) as captured:
        run()
    total = Reads()
    for query in captured.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            total += explain(query["sql"])
    return total
