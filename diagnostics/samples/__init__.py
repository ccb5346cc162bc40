"""Real RIPE Atlas payloads (README.md says where each comes from), for tests, fake and demo."""

import json
from pathlib import Path

HERE = Path(__file__).parent

# The result files of each kind of measurement, in the order they are served.
RESULT_FILES = {
    "ping": ["ping.json", "ping-fw5020.json"],
    "traceroute": ["traceroute.json"],
    "dns": ["dns.json"],
    "sslcert": ["sslcert.json"],
    "http": ["http.json"],
}


def load(name: str):
    """The parsed JSON of one sample file, such as "ping.json" or "measurement-status.json"."""
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def results(kind: str) -> list[dict]:
    """Every sample result of a kind of measurement (a fresh copy each call)."""
    return [result for name in RESULT_FILES[kind] for result in load(name)]
