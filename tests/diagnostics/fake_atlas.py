"""A local fake of the RIPE Atlas REST API v2 that speaks its real HTTP endpoints.

`diagnostics.atlas.AtlasClient` is pointed at it by settings.ATLAS_API_URL
(`fake.base_url`, on 127.0.0.1, so a Celery worker in another process reaches it
too), and the code under test runs unchanged:

- POST /api/v2/measurements/ checks `Authorization: Key <key>` (401 with Atlas'
  error body when missing or unknown), answers 400 with the real error body for a
  target in `unresolvable`, and otherwise 201 `{"measurements": [ids]}`, one id
  per definition;
- GET /api/v2/measurements/{id}/ moves Specified (0) -> Ongoing (2) -> Stopped (4)
  as it is polled (`steps`: how many polls in each of the first two);
- GET /api/v2/measurements/{id}/results/ serves the real sample results of the
  measurement's type (diagnostics/samples), `results_per_poll` more on each poll
  while Ongoing, all of them once Stopped; `start`, `stop`, `probe_ids` filter;
- DELETE /api/v2/measurements/{id}/ stops it; GET /api/v2/probes/?id__in= tells
  a country and an ASN for any probe id (made up: the fake knows no real probe).

The results are the samples with the new measurement's id, and timestamps from
its creation on (one second apart, in order), so polling with `start=` works. A
selection asking for more probes than there are samples repeats them under other
probe ids. Every request is recorded in `requests`. It can be told to answer the
next requests with 429 (`rate_limit`), any status (`fail`), a refusal in Atlas'
newer error shape (`refuse`), or late (`delay`), and to find no suitable probes.

    with FakeAtlas() as atlas:
        settings.ATLAS_API_URL = atlas.base_url
        settings.ATLAS_API_KEYS = {"default": atlas.keys[0]}

`python -m tests.diagnostics.fake_atlas --port 8123` serves one until Ctrl-C.
"""

import argparse
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from diagnostics import samples

PREFIX = "/api/v2"
SPECIFIED, ONGOING, STOPPED, NO_SUITABLE_PROBES = 0, 2, 4, 6
STATUS_NAMES = {
    SPECIFIED: "Specified",
    ONGOING: "Ongoing",
    STOPPED: "Stopped",
    NO_SUITABLE_PROBES: "No suitable probes",
}
CREDITS_PER_RESULT = {"ping": 3, "traceroute": 30, "dns": 10, "sslcert": 10, "http": 10}
UNKNOWN_KEY = "The provided API key does not exist"
NO_CREDENTIALS = "Authentication credentials were not provided."
# Made up, for probe metadata: a country and an ASN per probe id.
COUNTRIES = ["CL", "AR", "ES", "BR", "PE", "DE", "NL", "US", "FR", "CO"]
FIRST_ID = 90000001


@dataclass
class Recorded:
    method: str
    path: str  # without /api/v2
    query: dict[str, str]
    headers: dict[str, str]
    body: object = None


@dataclass
class Measurement:
    id: int
    definition: dict
    probes: list[dict]
    created: int
    results: list[dict]
    status_polls: int = 0
    result_polls: int = 0
    stopped: bool = False
    no_probes: bool = False

    @property
    def requested(self) -> int:
        return sum(int(item.get("requested") or 0) for item in self.probes)


@dataclass
class _Failure:
    status: int
    body: object
    headers: dict = field(default_factory=dict)
    method: str | None = None
    times: int = 1


class FakeAtlas:
    def __init__(
        self,
        *,
        keys=("test-key",),
        any_key=False,
        steps=(1, 2),
        results_per_poll=1,
        unresolvable=("unresolvable.example.net",),
        host="127.0.0.1",
        port=0,
    ):
        self.keys = list(keys)
        self.any_key = any_key
        self.steps = steps
        self.results_per_poll = results_per_poll
        self.unresolvable = set(unresolvable)
        self.no_suitable_probes = False
        self.measurements: dict[int, Measurement] = {}
        self.requests: list[Recorded] = []
        self._failures: list[_Failure] = []
        self._delays: list[float] = []
        self._ids = itertools.count(FIRST_ID)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def env(self, key_name="default") -> dict[str, str]:
        """The environment a worker process needs to reach this fake (django-environ shapes)."""
        return {"ATLAS_API_URL": self.base_url, "ATLAS_API_KEYS": f"{key_name}={self.keys[0]}"}

    def start(self):
        # A short poll interval: stop() waits for the loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # What the tests may ask of it

    def rate_limit(self, retry_after: int | None = 30, *, times=1, method=None):
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        detail = "Request was throttled."
        if retry_after is not None:
            detail += f" Expected available in {retry_after} seconds."
        self.fail(
            429, _error(429, "Too Many Requests", detail), headers, times=times, method=method
        )

    def fail(self, status: int, body=None, headers=None, *, times=1, method=None):
        """Answer the next `times` requests (of `method`, if given) with `status` and `body`."""
        with self._lock:
            self._failures.append(_Failure(status, body, dict(headers or {}), method, times))

    def refuse(self, detail: str, *, times=1):
        """Refuse the next creation in Atlas' newer error shape (an `errors` list)."""
        body = _error(400, "Bad Request", "There was a problem with your request")
        body["error"]["errors"] = [{"source": {"pointer": ""}, "detail": detail}]
        self.fail(400, body, times=times, method="POST")

    def delay(self, seconds: float, *, times=1):
        """Answer the next `times` requests after `seconds` (to make clients time out)."""
        with self._lock:
            self._delays.extend([seconds] * times)

    def finish(self, msm_id: int):
        with self._lock:
            self.measurements[msm_id].stopped = True

    def requests_to(self, method: str, path_start: str = "/") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_start)]

    # The endpoints

    def handle(self, method, path, query, headers, body):
        """(status, body, headers) for one request."""
        failure = self._take_failure(method)
        if failure:
            return failure.status, failure.body, failure.headers
        auth = headers.get("authorization")
        if auth is not None and not self._known(auth):
            return 401, _error(401, "Unauthorized", UNKNOWN_KEY, code=104), {}
        if method in ("POST", "DELETE") and auth is None:
            return 401, _error(401, "Unauthorized", NO_CREDENTIALS, code=104), {}
        if method == "POST" and path in ("/measurements", "/measurements/"):
            return self._create(body)
        if method == "GET" and path.rstrip("/") == "/probes":
            return self._probes(query)
        match = re.fullmatch(r"/measurements/(\d+)(/results|/latest)?/?", path)
        if not match or int(match[1]) not in self.measurements:
            return 404, _error(404, "Not Found", "Not found.", code=104), {}
        with self._lock:
            measurement = self.measurements[int(match[1])]
            if method == "DELETE" and not match[2]:
                measurement.stopped = True
                return 204, None, {}
            if method == "GET" and not match[2]:
                measurement.status_polls += 1
                return 200, self._status(measurement), {}
            if method == "GET":
                measurement.result_polls += 1
                return 200, self._results(measurement, query), {}
        return 405, _error(405, "Method Not Allowed", f'Method "{method}" not allowed.'), {}

    def _known(self, auth):
        kind, _space, key = auth.partition(" ")
        return kind == "Key" and bool(key) and (self.any_key or key in self.keys)

    def _take_failure(self, method):
        with self._lock:
            for failure in self._failures:
                if failure.method in (None, method):
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                    return failure
        return None

    def _create(self, body):
        if not isinstance(body, dict):
            return 400, _error(400, "Bad Request", "JSON parse error"), {}
        definitions, probes = body.get("definitions"), body.get("probes")
        missing = {
            name: ["This field is required."]
            for name, value in (("definitions", definitions), ("probes", probes))
            if not value
        }
        if missing:
            return 400, _error(400, "Bad Request", missing, code=102), {}
        if any(d.get("target") in self.unresolvable for d in definitions):
            return 400, samples.load("measurement-create-error.json"), {}
        created = int(time.time())
        ids = []
        with self._lock:
            for definition in definitions:
                msm_id = next(self._ids)
                requested = sum(int(p.get("requested") or 0) for p in probes)
                results = _results_for(definition.get("type"), msm_id, created, requested)
                self.measurements[msm_id] = Measurement(
                    msm_id,
                    definition,
                    probes,
                    created,
                    [] if self.no_suitable_probes else results,
                    no_probes=self.no_suitable_probes,
                )
                ids.append(msm_id)
        return 201, {"measurements": ids}, {}

    def _status_id(self, measurement):
        specified, ongoing = self.steps
        if measurement.stopped or measurement.status_polls > specified + ongoing:
            measurement.stopped = True
            return NO_SUITABLE_PROBES if measurement.no_probes else STOPPED
        if measurement.no_probes and measurement.status_polls > specified:
            measurement.stopped = True
            return NO_SUITABLE_PROBES
        return SPECIFIED if measurement.status_polls <= specified else ONGOING

    def _status(self, measurement):
        status_id = self._status_id(measurement)
        definition = measurement.definition
        kind = definition.get("type")
        body = samples.load("measurement-status.json")
        body.update(
            {
                "id": measurement.id,
                "group_id": measurement.id,
                "type": kind,
                "af": definition.get("af"),
                "target": definition.get("target"),
                "description": definition.get("description", ""),
                "is_oneoff": True,
                "interval": None,
                "status": {
                    "id": status_id,
                    "name": STATUS_NAMES[status_id],
                    "when": int(time.time()),
                },
                "creation_time": measurement.created,
                "start_time": measurement.created,
                "stop_time": int(time.time()) if measurement.stopped else None,
                "probes_requested": measurement.requested,
                "probes_scheduled": 0 if measurement.no_probes else len(measurement.results),
                "participant_count": len(self._visible(measurement, status_id)),
                "credits_per_result": CREDITS_PER_RESULT.get(kind, 1),
                "result": f"{self.base_url}/measurements/{measurement.id}/results",
                "group": f"{self.base_url}/measurements/groups/{measurement.id}",
            }
        )
        return body

    def _visible(self, measurement, status_id=None):
        if measurement.stopped:
            return measurement.results
        if status_id == SPECIFIED or measurement.status_polls <= self.steps[0]:
            return []
        return measurement.results[: self.results_per_poll * max(1, measurement.result_polls)]

    def _results(self, measurement, query):
        found = self._visible(measurement)
        if "start" in query:
            found = [r for r in found if r["timestamp"] >= int(query["start"])]
        if "stop" in query:
            found = [r for r in found if r["timestamp"] <= int(query["stop"])]
        if query.get("probe_ids"):
            wanted = {int(p) for p in query["probe_ids"].split(",")}
            found = [r for r in found if r["prb_id"] in wanted]
        return found

    def _probes(self, query):
        ids = [int(p) for p in (query.get("id__in") or "").split(",") if p.strip().isdigit()]
        rows = [probe(probe_id) for probe_id in ids]
        return 200, {"count": len(rows), "next": None, "previous": None, "results": rows}, {}


def probe(probe_id: int) -> dict:
    """Made-up public facts of a probe, the same for an id every time."""
    return {
        "id": probe_id,
        "country_code": COUNTRIES[probe_id % len(COUNTRIES)],
        "asn_v4": 64000 + probe_id % 500 + 1000,
        "asn_v6": None,
        "status": {"id": 1, "name": "Connected"},
        "is_public": True,
    }


def _results_for(kind, msm_id, created, requested) -> list[dict]:
    pool = samples.results(kind) if kind in samples.RESULT_FILES else []
    found = []
    for index in range(max(len(pool), requested) if pool else 0):
        result = json.loads(json.dumps(pool[index % len(pool)]))
        round_ = index // len(pool)
        if round_:
            result["prb_id"] = result["prb_id"] + round_ * 1000000
        result.update({"msm_id": msm_id, "group_id": msm_id, "timestamp": created + 1 + index})
        found.append(result)
    return found


def _error(status, title, detail, *, code=102) -> dict:
    return {"error": {"status": status, "code": code, "title": title, "detail": detail}}


def _handler_for(fake: FakeAtlas):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in separate writes

        def _serve(self):
            with fake._lock:
                delay = fake._delays.pop(0) if fake._delays else 0
            if delay:
                time.sleep(delay)
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            headers = {name.lower(): value for name, value in self.headers.items()}
            path = parts.path.removeprefix(PREFIX) if parts.path.startswith(PREFIX) else None
            with fake._lock:
                fake.requests.append(
                    Recorded(self.command, path or parts.path, query, headers, body)
                )
            if path is None:
                status, answer, extra = 404, _error(404, "Not Found", "Not found."), {}
            else:
                status, answer, extra = fake.handle(self.command, path, query, headers, body)
            self._answer(status, answer, extra)

        def _answer(self, status, answer, extra):
            payload = b"" if answer is None else json.dumps(answer).encode()
            try:
                self.send_response(status, HTTPStatus(status).phrase)
                if answer is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description="A fake RIPE Atlas API on this machine.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--key", action="append", help="an accepted API key (test-key if none)")
    parser.add_argument("--any-key", action="store_true", help="accept any key")
    parser.add_argument("--steps", default="1,2", help="status polls while Specified, Ongoing")
    parser.add_argument("--results-per-poll", type=int, default=1)
    args = parser.parse_args()
    fake = FakeAtlas(
        keys=args.key or ["test-key"],
        any_key=args.any_key,
        steps=tuple(int(n) for n in args.steps.split(",")),
        results_per_poll=args.results_per_poll,
        host=args.host,
        port=args.port,
    )
    fake.start()
    print(f"Fake RIPE Atlas on {fake.base_url} (keys: {', '.join(fake.keys)})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
