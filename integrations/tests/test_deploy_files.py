"""The deployment files agree with the code: docker-compose.yml parses and its variables are
documented, the Procfile and compose consume every queue with real modules, gunicorn.conf.py
loads and logs JSON, and docs/deploy.md lists every variable the settings read.

(`docker compose config` needs a Docker daemon and the compose plugin; this parses the file
with PyYAML instead, which understands the same anchors and merge keys.)"""

from __future__ import annotations

import importlib.util
import io
import json
import multiprocessing
import re
import runpy
import shlex
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = (ROOT / "docs" / "deploy.md").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PROCFILE = {
    name.strip(): command.strip()
    for name, command in (
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
}
QUEUES = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {
    settings.CELERY_TASK_DEFAULT_QUEUE
}
# Read by the test settings only.
NOT_DEPLOYMENT = {"SQLITE_TEST_NAME"}


def _documented(name: str) -> bool:
    return f"`{name}`" in DOCS


def _celery_args(command: str | list[str]) -> list[str]:
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    return [w for w in words if w != "exec"]


def _option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def _settings_env_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "kzeditor" / "settings").glob("*.py"):
        names |= set(
            re.findall(r'env(?:\.[a-z_]+)?\(\s*["\']([A-Z][A-Z0-9_]+)["\']', path.read_text())
        )
    return names - NOT_DEPLOYMENT


def test_compose_has_the_multi_host_shape() -> None:
    services = COMPOSE["services"]
    assert set(services) >= {
        "migrate", "web", "worker-extraction", "worker-default", "beat", "postgres", "redis",
    }  # fmt: skip
    assert "replicas" in services["web"]["deploy"]
    assert "replicas" in services["worker-extraction"]["deploy"]
    assert services["beat"]["deploy"]["replicas"] == 1, "two beats run every schedule twice"
    for name in ("web", "worker-extraction", "worker-default", "beat"):
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "kzeditor.settings.production"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["web"]["healthcheck"]["test"][-1].count("/readyz") == 1


@pytest.mark.parametrize("service", sorted(COMPOSE["services"]))
def test_every_compose_variable_is_documented(service: str) -> None:
    environment = COMPOSE["services"][service].get("environment") or {}
    missing = [name for name in environment if not _documented(name)]
    assert missing == [], f"add {missing} to docs/deploy.md"


def test_every_variable_the_settings_read_is_documented() -> None:
    missing = sorted(name for name in _settings_env_names() if not _documented(name))
    assert missing == [], f"add {missing} to docs/deploy.md's tables"


def test_compose_interpolations_are_documented() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    names = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    assert names, "compose takes its secrets from the environment"
    assert [name for name in sorted(names) if not _documented(name)] == []


def test_the_procfile_runs_web_workers_and_one_beat() -> None:
    assert set(PROCFILE) == {"web", "extraction", "default", "beat"}
    assert PROCFILE["web"].split()[:3] == ["exec", "gunicorn", "--config"]
    config = ROOT / _option(PROCFILE["web"].split(), "--config")
    assert config.exists()
    for name in ("extraction", "default", "beat"):
        words = _celery_args(PROCFILE[name])
        assert words[:3] == ["celery", "-A", "kzeditor"], PROCFILE[name]
    assert _option(_celery_args(PROCFILE["extraction"]), "--concurrency") == (
        "${EXTRACTION_CONCURRENCY:-$(nproc)}"
    )


@pytest.mark.parametrize(
    "consumers",
    [
        pytest.param([PROCFILE["extraction"], PROCFILE["default"]], id="Procfile"),
        pytest.param(
            [
                COMPOSE["services"]["worker-extraction"]["command"],
                COMPOSE["services"]["worker-default"]["command"],
            ],
            id="compose",
        ),
    ],
)
def test_workers_consume_exactly_the_routed_queues(consumers: list) -> None:
    consumed: list[str] = []
    for command in consumers:
        words = _celery_args(command)
        assert words[:4] == ["celery", "-A", "kzeditor", "worker"], words
        consumed += _option(words, "--queues").split(",")
    assert sorted(consumed) == sorted(QUEUES), "each queue has one kind of consumer"
    assert _option(_celery_args(consumers[0]), "--queues") == "extraction"


def test_compose_commands_match_the_procfile() -> None:
    services = COMPOSE["services"]
    assert services["web"]["command"] == shlex.split(PROCFILE["web"])[1:]
    assert _celery_args(services["beat"]["command"])[:4] == ["celery", "-A", "kzeditor", "beat"]
    for service, process in (("worker-extraction", "extraction"), ("worker-default", "default")):
        compose_words = _celery_args(services[service]["command"])
        procfile_words = _celery_args(PROCFILE[process])
        assert _option(compose_words, "--queues") == _option(procfile_words, "--queues")


def test_named_modules_exist() -> None:
    modules = {"kzeditor.celery", "kzeditor.wsgi"}
    modules |= {
        service["environment"]["DJANGO_SETTINGS_MODULE"]
        for service in COMPOSE["services"].values()
        if isinstance(service.get("environment"), dict)
        and "DJANGO_SETTINGS_MODULE" in service["environment"]
    }
    makefile = (ROOT / "Makefile").read_text()
    modules |= set(re.findall(r"DJANGO_SETTINGS_MODULE \??= ?(\S+)", makefile))
    modules |= set(re.findall(r"DJANGO_SETTINGS_MODULE=(kzeditor\S+)", makefile))
    dockerfile = (ROOT / "Dockerfile").read_text()
    modules |= set(re.findall(r"DJANGO_SETTINGS_MODULE=(kzeditor[\w.]+)", dockerfile))
    assert "kzeditor.settings.production" in modules
    assert [m for m in sorted(modules) if importlib.util.find_spec(m) is None] == []


def test_make_stack_runs_the_procfile_with_production_settings() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\.PHONY:.*\bstack\b", makefile, re.M)
    recipe = makefile[makefile.index("\nstack: install") :]
    recipe = recipe[: recipe.index("\n\n")]
    for step in ("migrate --noinput", "collectstatic", "create_demo_users", "honcho"):
        assert step in recipe
    assert "stack: export DJANGO_SETTINGS_MODULE ?= kzeditor.settings.production" in makefile


def _gunicorn_settings(monkeypatch) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config_is_valid(monkeypatch) -> None:
    from gunicorn.config import Config

    values = _gunicorn_settings(monkeypatch)
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    assert config.workers == 2 * multiprocessing.cpu_count() + 1
    assert config.threads == 4
    assert config.worker_class_str == "gthread"
    assert config.max_requests == 1000
    assert config.max_requests_jitter == 100
    assert config.accesslog == "-"
    assert config.wsgi_app == "kzeditor.wsgi:application"
    assert config.control_socket_disable is True


def test_gunicorn_access_log_is_json_with_the_request_id(monkeypatch) -> None:
    from gunicorn.config import Config

    values = _gunicorn_settings(monkeypatch)
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    access_logger = values["JsonAccessLogger"](config)
    stream = io.StringIO()
    for handler in access_logger.access_log.handlers:
        handler.setStream(stream)
    request_id = uuid.uuid4().hex
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/v1/articles/?x=1",
        "PATH_INFO": "/api/v1/articles/",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": 'curl "quoted" \\ Алматы',
    }
    response = SimpleNamespace(
        status="201 Created", sent=42, headers=[("X-Request-ID", request_id)]
    )
    access_logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=15))
    line = json.loads(stream.getvalue())
    assert line["logger"] == "gunicorn.access"
    assert (line["method"], line["path"], line["query"], line["status"]) == (
        "POST", "/api/v1/articles/", "x=1", 201,
    )  # fmt: skip
    assert line["duration_ms"] == 15
    assert line["request_id"] == request_id
    assert line["user_agent"] == 'curl "quoted" \\ Алматы'


def test_production_exempts_the_probes_from_the_https_redirect() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "probe-test-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    code = (
        "import re, kzeditor.settings.production as s; "
        "print(s.SECURE_SSL_REDIRECT, all(any(re.search(p, u) for p in s.SECURE_REDIRECT_EXEMPT)"
        " for u in ('healthz', 'readyz')), any(re.search(p, 'admin/') for p in "
        "s.SECURE_REDIRECT_EXEMPT))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True", "False"]


def test_the_image_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".env", ".git"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER kzeditor" in dockerfile
    assert "collectstatic" in dockerfile
