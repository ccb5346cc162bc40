"""Log lines as one JSON object each (LOG_FORMAT=json; docs/operating.md, "Logs").

A log collector reads the fields without a parser per format: time (UTC, ISO
8601), level, logger, message, request_id, and in a task task and task_id; an
exception's traceback as `exception`; anything passed with `extra=` that is
plain JSON.
"""

import json
import logging
from datetime import UTC, datetime

from .requestid import current

# A LogRecord's own attributes: everything else on a record came from `extra=`.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = current()
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or context.get("request_id") or None,
        }
        for key in ("task", "task_id"):
            value = getattr(record, key, None) or context.get(key)
            if value:
                entry[key] = value
        for key, value in vars(record).items():
            plain = isinstance(value, str | int | float | bool) or value is None
            if plain and key not in _RECORD_FIELDS and key not in entry and key[0] != "_":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        if entry["request_id"] == "-":
            entry["request_id"] = None
        return json.dumps(entry, ensure_ascii=False, default=str)
