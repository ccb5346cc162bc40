"""docker-compose.yml and deploy/nginx.conf describe the scaled-out stack they claim to.

Docker is not needed: the files are read as YAML and nginx text. `docker compose
config` (or docker-compose v1's) validates the same file where Docker is installed.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def nginx():
    return (ROOT / "deploy" / "nginx.conf").read_text()


def _command(service) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _named(services, prefix: str) -> dict:
    return {name: s for name, s in services.items() if _command(s).startswith(prefix)}


def test_two_web_processes_behind_the_proxy(services, nginx):
    webs = _named(services, "gunicorn config.wsgi")
    assert sorted(webs) == ["web1", "web2"]
    upstream = re.search(r"upstream portal_web \{(.*?)\}", nginx, re.S).group(1)
    servers = re.findall(r"^\s*server (\S+?):(\d+)", upstream, re.M)
    assert sorted(servers) == [("web1", "8000"), ("web2", "8000")]
    for web in webs.values():
        assert "--bind 0.0.0.0:8000" in _command(web)
        assert "ports" not in web  # reached through the proxy only
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert {name for name, dep in proxy["depends_on"].items()} == set(webs)
    assert re.search(r"proxy_pass http://portal_web;", nginx)


def test_the_proxy_forwards_what_the_portal_trusts(services, nginx):
    for header, value in [
        ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
        ("X-Forwarded-Proto", "$scheme"),
        ("X-Forwarded-Host", "$host"),
        ("Host", "$host"),
        ("X-Request-ID", "$request_id"),
    ]:
        assert re.search(rf"proxy_set_header {re.escape(header)} {re.escape(value)};", nginx)
    assert re.search(r"location = /metrics \{\s*return 404;", nginx)
    for name in ("web1", "web2", "worker1", "worker2", "beat"):
        env = services[name]["environment"]
        assert env["BEHIND_PROXY"] == "true"
        assert env["AXES_PROXY_COUNT"].endswith(":-1}")


def test_two_workers_and_exactly_one_beat(services):
    assert sorted(_named(services, "celery -A config worker")) == ["worker1", "worker2"]
    beats = [name for name, s in services.items() if " beat" in _command(s)]
    assert beats == ["beat"]
    assert "replicas" not in str(services["beat"].get("deploy", {}))


def test_migrations_run_once_before_web_and_workers(services):
    migrate = services["migrate"]
    assert _command(migrate) == "python manage.py migrate --no-input"
    assert migrate["restart"] == "no"
    for name in ("web1", "web2", "worker1", "worker2", "beat"):
        assert "migrate" not in _command(services[name])
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}


def test_web_health_is_readyz(services):
    for name in ("web1", "web2"):
        check = services[name]["healthcheck"]
        assert "http://localhost:8000/readyz" in " ".join(check["test"])
        assert check["start_period"]
        # The probe's Host must be allowed whatever ALLOWED_HOSTS the operator sets.
        assert services[name]["environment"]["ALLOWED_HOSTS"].endswith(",localhost")
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_data_lives_on_volumes(compose, services):
    assert "postgres:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis:/data" in services["redis"]["volumes"]
    for name in ("web1", "web2", "worker1", "worker2", "beat"):
        assert "media:/app/media" in services[name]["volumes"]
    assert {"postgres", "redis", "media"} <= set(compose["volumes"])


def test_metrics_are_shared_by_gunicorns_processes(services):
    for name in ("web1", "web2"):
        web = services[name]
        # A tmpfs of the container's own: emptied whenever the container starts.
        assert web["tmpfs"] == [web["environment"]["PROMETHEUS_MULTIPROC_DIR"]]
        assert "METRICS_TOKEN" in web["environment"]
