"""Machine-translation engines: the setting, and the HTTP engine against a local fake
LibreTranslate server (127.0.0.1, a random port; nothing leaves the machine)."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from articles.translations.machine import (
    HttpMachineTranslation,
    MachineTranslationEngine,
    MachineTranslationError,
    engine_get,
)


class FakeLibreTranslate(ThreadingHTTPServer):
    """Answers POST /translate with whatever the test sets: ``status`` and ``body`` (bytes or
    a JSON-able value), optionally after waiting for ``release`` (the timeout test)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = 200
        self.body: object = None
        self.stall = False
        self.release = threading.Event()
        self.requests: list[tuple[str, dict]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLibreTranslate

    def do_POST(self) -> None:  # http.server names it so
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append((self.path, json.loads(self.rfile.read(length))))
        if self.server.stall:
            self.server.release.wait(10)
        body = self.server.body
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout test)

    def log_message(self, format, *args) -> None:  # silence the request log
        pass


@pytest.fixture
def fake_server():
    server = FakeLibreTranslate()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network call was made")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# -- choosing the engine -----------------------------------------------------------------------


def test_no_engine_by_default(settings, no_network):
    del settings.KZEDITOR_MT_ENGINE  # as before the setting existed
    assert engine_get() is None
    settings.KZEDITOR_MT_ENGINE = ""
    assert engine_get() is None


def test_http_engine_from_settings(settings, no_network):
    settings.KZEDITOR_MT_ENGINE = "http"
    settings.KZEDITOR_MT_URL = "http://127.0.0.1:5000/"
    settings.KZEDITOR_MT_API_KEY = "secret"
    settings.KZEDITOR_MT_TIMEOUT = 7
    engine = engine_get()
    assert isinstance(engine, HttpMachineTranslation)
    assert isinstance(engine, MachineTranslationEngine)
    assert (engine.name, engine.url, engine.api_key, engine.timeout) == (
        "http",
        "http://127.0.0.1:5000/translate",
        "secret",
        7.0,
    )


class EchoEngine:
    """A stand-in engine, chosen by dotted path."""

    name = "echo"

    def translate(self, texts, *, source_language, target_language):
        return [f"[{target_language}] {t}" for t in texts]


class NotAnEngine:
    pass


def test_engine_by_dotted_path(settings):
    settings.KZEDITOR_MT_ENGINE = f"{__name__}.EchoEngine"
    engine = engine_get()
    assert engine.name == "echo"
    assert engine.translate(["Сәлем"], source_language="kk", target_language="ru") == ["[ru] Сәлем"]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (f"{__name__}.Missing", "neither 'http' nor an importable class"),
        (f"{__name__}.NotAnEngine", "has no `name` and `translate"),
    ],
)
def test_bad_engine_setting_is_a_configuration_error(settings, choice, message):
    settings.KZEDITOR_MT_ENGINE = choice
    with pytest.raises(ImproperlyConfigured, match=message):
        engine_get()


@pytest.mark.parametrize("url", ["", "file:///etc/passwd", "127.0.0.1:5000", "ftp://host/"])
def test_http_engine_needs_an_http_url(settings, url):
    settings.KZEDITOR_MT_ENGINE = "http"
    settings.KZEDITOR_MT_URL = url
    with pytest.raises(ImproperlyConfigured, match="KZEDITOR_MT_URL must be an http"):
        engine_get()


# -- the HTTP engine against the fake server ---------------------------------------------------


def test_translate_success(fake_server):
    fake_server.body = {"translatedText": ["Визит в Китай.", "Соглашения подписаны."]}
    engine = HttpMachineTranslation(url=fake_server.url, api_key="k3y", timeout=5)

    result = engine.translate(
        ["Қытайға сапар.", "Келісімдерге қол қойылды."], source_language="kk", target_language="ru"
    )

    assert result == ["Визит в Китай.", "Соглашения подписаны."]
    [(path, sent)] = fake_server.requests
    assert path == "/translate"
    assert sent == {
        "q": ["Қытайға сапар.", "Келісімдерге қол қойылды."],
        "source": "kk",
        "target": "ru",
        "format": "text",
        "api_key": "k3y",
    }


def test_translate_without_api_key_sends_none_and_accepts_a_single_string(fake_server):
    fake_server.body = {"translatedText": "Визит в Китай."}
    engine = HttpMachineTranslation(url=fake_server.url + "/", timeout=5)
    assert engine.translate(["Қытайға сапар."], source_language="kk", target_language="ru") == [
        "Визит в Китай."
    ]
    assert "api_key" not in fake_server.requests[0][1]


def test_translate_nothing_makes_no_request(fake_server):
    engine = HttpMachineTranslation(url=fake_server.url, timeout=5)
    assert engine.translate([], source_language="kk", target_language="ru") == []
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, {"error": "kk is not supported"}, "answered HTTP 400: kk is not supported"),
        (500, b"<html>Internal Server Error</html>", "answered HTTP 500: Internal Server Error"),
        (403, {"error": "Invalid API key"}, "answered HTTP 403: Invalid API key"),
    ],
)
def test_error_status(fake_server, status, body, message):
    fake_server.status, fake_server.body = status, body
    engine = HttpMachineTranslation(url=fake_server.url, timeout=5)
    with pytest.raises(MachineTranslationError, match=message) as raised:
        engine.translate(["Сәлем"], source_language="kk", target_language="ru")
    assert raised.value.message == str(raised.value)
    assert fake_server.url in raised.value.message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not json</html>", "malformed reply: not JSON"),
        ({"translated": ["x"]}, "malformed reply: no list of texts in “translatedText”"),
        ({"translatedText": [1, 2]}, "malformed reply: no list of texts"),
        (["x", "y"], "malformed reply: no list of texts"),
        ({"translatedText": ["only one"]}, "malformed reply: 1 translations for 2 texts"),
    ],
)
def test_malformed_reply(fake_server, body, message):
    fake_server.body = body
    engine = HttpMachineTranslation(url=fake_server.url, timeout=5)
    with pytest.raises(MachineTranslationError, match=message):
        engine.translate(["Бір", "Екі"], source_language="kk", target_language="ru")


def test_timeout(fake_server):
    fake_server.stall = True
    fake_server.body = {"translatedText": ["late"]}
    engine = HttpMachineTranslation(url=fake_server.url, timeout=0.2)
    with pytest.raises(MachineTranslationError, match=r"did not answer within 0\.2 s"):
        engine.translate(["Сәлем"], source_language="kk", target_language="ru")
    assert len(fake_server.requests) == 1  # it was asked, and it stalled


def test_connection_refused():
    with socket.socket() as probe:  # a port nobody listens on once this socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = HttpMachineTranslation(url=f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(MachineTranslationError, match=r"Could not reach .*: connection refused"):
        engine.translate(["Сәлем"], source_language="kk", target_language="ru")
