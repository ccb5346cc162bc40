"""The one client of the RIPE Atlas REST API v2: every request the portal makes to Atlas.

    client = AtlasClient()            # from settings; tests point ATLAS_API_URL at a fake
    ids = client.create([definition], probes, key="default")
    client.status(ids[0])             # {"status_id": 2, "status_name": "Ongoing", ...}
    client.results(ids[0], start=...) # a list of raw result dicts

Settings (read when the client is made, with defaults so it works before they exist):
ATLAS_API_URL (https://atlas.ripe.net/api/v2), ATLAS_API_KEYS ({"default": "<key>",
"noc": "<key>"}: a key is chosen by its name, and the name is what gets recorded),
ATLAS_TIMEOUT_SECONDS (10).

Every failure is one of the errors of `diagnostics.errors`, with a message for the
person who asked and a code for the code that asked. The key travels only in the
Authorization header: it is never logged nor put in an error.
"""

import email.utils
import logging
import time
from datetime import datetime

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .errors import (
    AtlasError,
    AtlasRateLimited,
    AtlasRefused,
    AtlasUnauthorized,
    AtlasUnavailable,
)

__all__ = [
    "TERMINAL",
    "AtlasClient",
    "AtlasError",
    "AtlasRateLimited",
    "AtlasRefused",
    "AtlasUnauthorized",
    "AtlasUnavailable",
]

log = logging.getLogger(__name__)

DEFAULT_URL = "https://atlas.ripe.net/api/v2"
DEFAULT_RETRY_AFTER = 60  # seconds, when a 429 does not say
MAX_DETAIL = 500

# Measurement status ids (ripe-atlas-tools); a measurement in TERMINAL gives no more results.
SPECIFIED, SCHEDULED, ONGOING = 0, 1, 2
STOPPED, FORCED_TO_STOP, NO_SUITABLE_PROBES, FAILED = 4, 5, 6, 7
TERMINAL = frozenset({STOPPED, FORCED_TO_STOP, NO_SUITABLE_PROBES, FAILED})

_STATUS_FIELDS = (
    "probes_requested",
    "probes_scheduled",
    "participant_count",
    "is_all_scheduled",
    "creation_time",
    "start_time",
    "stop_time",
    "target",
    "target_ip",
    "resolved_ips",
    "credits_per_result",
    "af",
    "type",
    "is_oneoff",
)


class AtlasClient:
    """RIPE Atlas over one requests Session. Cheap to make; not shared between threads."""

    def __init__(self, *, base_url=None, keys=None, timeout=None, session=None):
        self.base_url = (base_url or getattr(settings, "ATLAS_API_URL", "") or DEFAULT_URL).rstrip(
            "/"
        )
        self.keys = dict(keys if keys is not None else getattr(settings, "ATLAS_API_KEYS", {}))
        self.timeout = float(timeout or getattr(settings, "ATLAS_TIMEOUT_SECONDS", 10))
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": "support-portal diagnostics"}
        )

    def key_names(self) -> list[str]:
        """The names of the configured keys that have a value."""
        return [name for name, key in self.keys.items() if key]

    def create(self, definitions: list[dict], probes: list[dict], *, key: str) -> list[int]:
        """Create one-off measurements (one per definition, same probes); their ids in order."""
        body = {"definitions": definitions, "probes": probes, "is_oneoff": True}
        answer = self._request("POST", "/measurements/", key=key, json=body)
        ids = answer.get("measurements") if isinstance(answer, dict) else None
        if not isinstance(ids, list) or len(ids) != len(definitions):
            raise _bad_response("create")
        try:
            return [int(msm_id) for msm_id in ids]
        except (TypeError, ValueError):
            raise _bad_response("create") from None

    def status(self, msm_id: int, *, key: str | None = None) -> dict:
        """The measurement's state: status_id, status_name, terminal, and _STATUS_FIELDS."""
        answer = self._request("GET", f"/measurements/{int(msm_id)}/", key=key)
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), dict):
            raise _bad_response("status")
        status = answer["status"]
        status_id = status.get("id")
        found = {
            "id": answer.get("id", int(msm_id)),
            "status_id": status_id,
            "status_name": status.get("name") or "",
            "status_since": status.get("when"),
            "terminal": status_id in TERMINAL,
        }
        found.update({field: answer.get(field) for field in _STATUS_FIELDS})
        if isinstance(found["type"], dict):  # very old measurements: {"id", "name", "af"}
            found["type"] = found["type"].get("name")
        return found

    def results(
        self,
        msm_id: int,
        *,
        start: int | datetime | None = None,
        stop: int | datetime | None = None,
        probe_ids: list[int] | None = None,
        key: str | None = None,
    ) -> list[dict]:
        """Raw results (one dict per probe and run), from `start` on (unix time or datetime)."""
        params = {}
        if start is not None:
            params["start"] = _unix(start)
        if stop is not None:
            params["stop"] = _unix(stop)
        if probe_ids:
            params["probe_ids"] = ",".join(str(int(p)) for p in probe_ids)
        answer = self._request(
            "GET", f"/measurements/{int(msm_id)}/results/", key=key, params=params
        )
        return _flatten(answer)

    def latest(self, msm_id: int, *, key: str | None = None) -> list[dict]:
        """Each probe's latest result (Atlas caches this a few minutes)."""
        return _flatten(self._request("GET", f"/measurements/{int(msm_id)}/latest/", key=key))

    def stop(self, msm_id: int, *, key: str) -> None:
        """Stop a measurement (one-offs stop by themselves; this is for giving up early)."""
        self._request("DELETE", f"/measurements/{int(msm_id)}/", key=key)

    def probes(self, probe_ids: list[int]) -> dict[int, dict]:
        """Public facts of probes by id: {id: {"country_code", "asn_v4", "asn_v6", ...}}."""
        found: dict[int, dict] = {}
        ids = sorted({int(p) for p in probe_ids})
        for offset in range(0, len(ids), 500):  # Atlas' largest page
            chunk = ids[offset : offset + 500]
            params = {"id__in": ",".join(map(str, chunk)), "page_size": 500}
            answer = self._request("GET", "/probes/", params=params)
            rows = answer.get("results") if isinstance(answer, dict) else answer
            if not isinstance(rows, list):
                raise _bad_response("probes")
            for row in rows:
                if isinstance(row, dict) and "id" in row:
                    found[int(row["id"])] = row
        return found

    def _request(self, method, path, *, key=None, **kwargs):
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Key {self._key(key)}"
        url = self.base_url + path
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.Timeout:
            log.warning("RIPE Atlas timed out: %s %s", method, path)
            raise AtlasUnavailable(
                _("RIPE Atlas did not answer in time. Try again in a few minutes."),
                code="timeout",
            ) from None
        except requests.RequestException as error:
            log.warning("RIPE Atlas unreachable: %s %s (%s)", method, path, type(error).__name__)
            raise AtlasUnavailable(
                _("RIPE Atlas cannot be reached right now. Try again in a few minutes."),
                code="connection",
            ) from None
        log.info("RIPE Atlas %s %s: %s", method, path, response.status_code)
        if response.status_code >= 400:
            raise _error_for(response, key=key, path=path)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise _bad_response(path) from None

    def _key(self, name):
        key = self.keys.get(name)
        if not key:
            raise AtlasUnauthorized(
                _("No RIPE Atlas API key named “%(key)s” is configured."),
                code="no_key",
                params={"key": name},
            )
        return key


def _error_for(response, *, key, path) -> AtlasError:
    status = response.status_code
    fields, texts = _details(response)
    detail = "; ".join(texts)[:MAX_DETAIL]
    common = {"status": status, "detail": detail}
    if status in (401, 403):
        if status == 403:
            message = _("The RIPE Atlas API key “%(key)s” is not allowed to do this.")
        else:
            message = _("RIPE Atlas does not accept the API key “%(key)s”.")
        return AtlasUnauthorized(
            message,
            code="forbidden" if status == 403 else "bad_key",
            params={"key": key or ""},
            **common,
        )
    if status == 429:
        seconds = _retry_after(response.headers.get("Retry-After"))
        return AtlasRateLimited(
            ngettext_lazy(
                "RIPE Atlas asks us to slow down: try again in %(seconds)s second.",
                "RIPE Atlas asks us to slow down: try again in %(seconds)s seconds.",
                "seconds",
            ),
            code="rate_limited",
            params={"seconds": seconds},
            retry_after=seconds,
            **common,
        )
    if status >= 500:
        return AtlasUnavailable(
            _("RIPE Atlas is having trouble (error %(status)s). Try again in a few minutes."),
            code="server_error",
            params={"status": status},
            **common,
        )
    if status == 404:
        return AtlasRefused(
            _("RIPE Atlas does not know this measurement."),
            code="not_found",
            fields=fields,
            **common,
        )
    lowered = detail.lower()
    if "suitable probe" in lowered or "no probes" in lowered:
        return AtlasRefused(
            _(
                "RIPE Atlas found no suitable probes for this selection: "
                "choose another area, country or network, or fewer probes."
            ),
            code="no_probes",
            fields=fields,
            **common,
        )
    code = "refused"
    if "credit" in lowered:
        code = "credits"
    elif "limit" in lowered:
        code = "over_limit"
    return AtlasRefused(
        _("RIPE Atlas refused the measurement: %(detail)s"),
        code=code,
        params={"detail": detail or response.reason or str(status)},
        fields=fields,
        **common,
    )


def _details(response) -> tuple[dict[str, list[str]], list[str]]:
    """Atlas' own texts of an error body, by field ("" when it names none), and all of them.

    Two shapes are seen: {"error": {"detail": "text" | {"field": ["text"]}}} and
    {"error": {"detail": "generic", "errors": [{"source": {"pointer": "/x"}, "detail": "text"}]}},
    where the specific texts are in `errors`; older answers put `detail` at the top.
    """
    try:
        body = response.json()
    except ValueError:
        return {}, []
    error = body.get("error", body) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        return {}, [str(error)]
    fields: dict[str, list[str]] = {}
    for item in error.get("errors") or []:
        if isinstance(item, dict) and item.get("detail"):
            pointer = (item.get("source") or {}).get("pointer") or ""
            _collect(fields, pointer.strip("/").replace("/", "."), item["detail"])
    if not fields:
        _collect(fields, "", error.get("detail"))
    texts = list(dict.fromkeys(text for found in fields.values() for text in found))
    return fields, texts


def _collect(fields, name, value):
    if isinstance(value, dict):
        for key, inner in value.items():
            _collect(fields, f"{name}.{key}" if name else str(key), inner)
    elif isinstance(value, list):
        for inner in value:
            _collect(fields, name, inner)
    elif value not in (None, ""):
        fields.setdefault(name, []).append(str(value))


def _retry_after(header: str | None) -> int:
    if header:
        header = header.strip()
        if header.isdigit():
            return max(1, int(header))
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(1, int(when.timestamp() - time.time()))
    return DEFAULT_RETRY_AFTER


def _bad_response(what) -> AtlasUnavailable:
    log.warning("RIPE Atlas sent an unexpected answer to %s", what)
    return AtlasUnavailable(
        _("RIPE Atlas sent an answer the portal does not understand. Try again later."),
        code="bad_response",
    )


def _flatten(answer) -> list[dict]:
    """A list of results from a list, or from a {probe_id: [results]} mapping."""
    if answer is None:
        return []
    if isinstance(answer, list):
        return [item for item in answer if isinstance(item, dict)]
    if isinstance(answer, dict):
        found = []
        for value in answer.values():
            items = value if isinstance(value, list) else [value]
            found.extend(item for item in items if isinstance(item, dict))
        return found
    raise _bad_response("results")


def _unix(value) -> int:
    return int(value.timestamp()) if isinstance(value, datetime) else int(value)
