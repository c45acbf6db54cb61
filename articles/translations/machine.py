"""Machine translation engines for the translation desk.

None is configured by default: no offline Kazakh model ships on PyPI, and a draft the desk did
not ask for is worse than none. The setting ``KZEDITOR_MT_ENGINE`` picks one:

``""`` (default)
    no engine; the editor offers no machine translation.
``"http"``
    :class:`HttpMachineTranslation`, a self-hosted LibreTranslate-compatible service at
    ``KZEDITOR_MT_URL`` (``KZEDITOR_MT_API_KEY``, ``KZEDITOR_MT_TIMEOUT`` seconds).
a dotted path
    any class implementing :class:`MachineTranslationEngine`, built without arguments.

Nothing here touches the network unless an engine is configured and asked to translate.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

# A reply larger than this is not a translation of a few paragraphs: refuse to read it all.
MAX_REPLY_BYTES = 10 * 1024 * 1024


class MachineTranslationError(Exception):
    """The engine could not translate; ``message`` (also ``str(exc)``) says why, in words a
    translator can act on or pass to an administrator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@runtime_checkable
class MachineTranslationEngine(Protocol):
    """Translates texts (paragraphs) from one language to another, keeping their order."""

    name: str

    def translate(
        self, texts: list[str], *, source_language: str, target_language: str
    ) -> list[str]:
        """One translation per text, in order; raises MachineTranslationError."""
        ...


class HttpMachineTranslation:
    """A LibreTranslate-compatible HTTP service (``POST {url}/translate``), e.g. a
    LibreTranslate or an Argos/OPUS-MT server the desk hosts itself.

    Request: ``{"q": [texts], "source": "kk", "target": "ru", "format": "text",
    "api_key": ...}``; reply: ``{"translatedText": [translations]}``. The timeout bounds the
    connection and each wait for data. Proxies from the environment apply, as for any
    urllib client."""

    name = "http"

    def __init__(self, *, url: str, api_key: str = "", timeout: float = 20.0) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ImproperlyConfigured(
                f"KZEDITOR_MT_URL must be an http(s) URL of the translation service, not {url!r}."
            )
        self.url = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> HttpMachineTranslation:
        return cls(
            url=getattr(settings, "KZEDITOR_MT_URL", ""),
            api_key=getattr(settings, "KZEDITOR_MT_API_KEY", ""),
            timeout=float(getattr(settings, "KZEDITOR_MT_TIMEOUT", 20.0)),
        )

    def translate(
        self, texts: list[str], *, source_language: str, target_language: str
    ) -> list[str]:
        if not texts:
            return []
        payload = {"q": texts, "source": source_language, "target": target_language}
        payload["format"] = "text"
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        body = self._post(request)
        return self._translations(body, len(texts))

    def _post(self, request: urllib.request.Request) -> bytes:
        service = {"url": self.url}
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.status != 200:
                    raise MachineTranslationError(
                        _("The machine translation service at %(url)s answered HTTP %(status)d.")
                        % {**service, "status": response.status}
                    )
                body = response.read(MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise MachineTranslationError(
                _("The machine translation service at %(url)s answered HTTP %(status)d: %(error)s")
                % {**service, "status": exc.code, "error": _error_detail(exc)}
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout_error() from exc
            raise MachineTranslationError(
                _("Could not reach the machine translation service at %(url)s: %(reason)s.")
                % {**service, "reason": _reason(exc.reason)}
            ) from exc
        except TimeoutError as exc:
            raise self._timeout_error() from exc
        except (OSError, http.client.HTTPException) as exc:
            raise MachineTranslationError(
                _("Could not reach the machine translation service at %(url)s: %(reason)s.")
                % {**service, "reason": _reason(exc)}
            ) from exc
        if len(body) > MAX_REPLY_BYTES:
            raise MachineTranslationError(
                _("The machine translation service at %(url)s sent a reply larger than %(mb)d MB.")
                % {**service, "mb": MAX_REPLY_BYTES // (1024 * 1024)}
            )
        return body

    def _timeout_error(self) -> MachineTranslationError:
        return MachineTranslationError(
            _("The machine translation service at %(url)s did not answer within %(seconds)s s.")
            % {"url": self.url, "seconds": f"{self.timeout:g}"}
        )

    def _translations(self, body: bytes, expected: int) -> list[str]:
        malformed = _("The machine translation service at %(url)s sent a malformed reply: %(why)s")
        try:
            reply = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MachineTranslationError(
                malformed % {"url": self.url, "why": _("not JSON.")}
            ) from None
        translated = reply.get("translatedText") if isinstance(reply, dict) else None
        if isinstance(translated, str) and expected == 1:
            translated = [translated]  # some servers answer a one-text request with a string
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise MachineTranslationError(
                malformed % {"url": self.url, "why": _("no list of texts in “translatedText”.")}
            )
        if len(translated) != expected:
            why = _("%(got)d translations for %(sent)d texts.") % {
                "got": len(translated),
                "sent": expected,
            }
            raise MachineTranslationError(malformed % {"url": self.url, "why": why})
        return translated


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(reason, socket.gaierror):
        return _("unknown host")
    return str(getattr(reason, "strerror", None) or reason)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """LibreTranslate's {"error": "..."} when the body has one, else the HTTP reason."""
    try:
        detail = json.loads(exc.read(64 * 1024).decode("utf-8")).get("error")
    except (ValueError, AttributeError, OSError):
        detail = None
    return str(detail or exc.reason or "")[:300]


def engine_get() -> MachineTranslationEngine | None:
    """The configured engine, or None when machine translation is off (the default)."""
    choice = (getattr(settings, "KZEDITOR_MT_ENGINE", "") or "").strip()
    if not choice:
        return None
    if choice == "http":
        return HttpMachineTranslation.from_settings()
    try:
        engine_class = import_string(choice)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"KZEDITOR_MT_ENGINE={choice!r} is neither 'http' nor an importable class: {exc}"
        ) from exc
    engine = engine_class()
    if not isinstance(engine, MachineTranslationEngine):
        raise ImproperlyConfigured(
            f"KZEDITOR_MT_ENGINE={choice!r} has no `name` and `translate(texts, *, "
            "source_language, target_language)`."
        )
    return engine
