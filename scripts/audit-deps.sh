#!/usr/bin/env bash
# Known vulnerabilities in the installed (pinned) dependencies: pip-audit against
# PyPI's advisory data, failing on any finding and on any dependency it could not
# check (--strict). pip-audit needs PyPI's per-release JSON API; where that API does
# not answer (a mirror, a closed network) nothing could be checked, and this says so
# loudly instead of reporting "no known vulnerabilities".
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
requests_version=$($BIN/python -c "import importlib.metadata as m; print(m.version('requests'))")
if ! $BIN/python - "$requests_version" <<'PY'
import sys, urllib.request
url = f"https://pypi.org/pypi/requests/{sys.argv[1]}/json"
try:
    urllib.request.urlopen(url, timeout=15)
except Exception as exc:  # noqa: BLE001 - any failure means the service is not usable
    print(f"{url}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
    echo "audit-deps: PyPI's advisory API does not answer from this machine:" \
        "the dependencies were NOT audited." >&2
    exit "${AUDIT_DEPS_UNREACHABLE_EXIT:-0}"
fi
exec $BIN/pip-audit --strict --progress-spinner off --skip-editable
