"""docs/api.md works as written: its examples run against a live server set up the way
`make run` sets up the desk (demo users, the seed articles imported and extracted, keys from
`create_api_token`).

A fenced block right after ``<!-- example: NAME -->`` is runnable: shell blocks run in
``bash -euo pipefail``, Python blocks in this virtualenv's interpreter, from the project folder,
with nothing substituted: their environment holds only BASE, KEY and REVIEWER_KEY (and, for the
webhook examples, WEBHOOK_SECRET and RECEIVER_URL) besides PATH and the locale. Each must exit 0
and print what the docs show. The receiver of the webhook recipe runs as a real server that
kzeditor delivers to, and its ``verify_signature`` is checked against the real signing code. A
JSON block after ``<!-- payload: EVENT -->`` must have the shape of that event's real payload.

The two snippets that run ``manage.py`` (the quick start's keys, the webhook subscription) run
as written when another process can reach the test database (PostgreSQL, or SQLite with
SQLITE_TEST_NAME); with SQLite in memory the keys are made with ``call_command`` and the
subscription snippet's Python runs in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from articles.models import Article, ArticleStatus, Translation
from conftest import require_service
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from integrations.webhooks.services import (
    webhook_body,
    webhook_headers,
    webhook_translation_data,
    webhook_verify,
)

ROOT = Path(settings.BASE_DIR)
DOC = ROOT / "docs" / "api.md"
SEED_DUPLICATE = "003_03d0c59582605d6e.txt"
DOCUMENTED_RECEIVER = "http://127.0.0.1:8001/"
SIGNED_BY_HAND = "5b0cbb59-3c6c-4d5c-9a53-0f2d2f1c7a10"  # the event id of the docs' test request

# The order the docs say the examples run in (each builds on what the previous ones did).
RUN_ORDER = [
    "quickstart",
    "errors",
    "push-sh",
    "push-python",
    "push-file-sh",
    "push-file-python",
    "edit-sh",
    "edit-python",
    "workflow-sh",
    "workflow-python",
    "pull-sh",
    "pull-python",
    "webhook-signed-request",
]
# Run differently: the keys and the subscription need the database (see the module's
# docstring), the receiver is started as a server.
SPECIAL = ["quickstart-keys", "webhook-subscribe", "webhook-receiver"]

_MARKED = re.compile(
    r"<!--\s*(example|payload):\s*([\w.-]+)\s*-->\s*\n```(\w+)[^\n]*\n(.*?)\n```", re.DOTALL
)
_STEP = re.compile(r"^(\d+) (\w+) v(\d+)$", re.MULTILINE)
_TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d"


@dataclass
class Block:
    kind: str  # example | payload
    name: str
    language: str
    code: str


def doc_blocks(kind: str) -> dict[str, Block]:
    blocks: dict[str, Block] = {}
    for match in _MARKED.finditer(DOC.read_text(encoding="utf-8")):
        block = Block(*match.groups())
        if block.kind != kind:
            continue
        assert block.name not in blocks, f"two blocks named {block.name} in {DOC.name}"
        blocks[block.name] = block
    return blocks


def test_every_runnable_example_is_run_and_every_event_documented():
    examples = doc_blocks("example")
    assert sorted(examples) == sorted(RUN_ORDER + SPECIAL)
    for name, block in examples.items():
        expected = "python" if name.endswith("-python") or name == "webhook-receiver" else "sh"
        assert block.language == expected, f"{name} is a {block.language} block"
    assert sorted(doc_blocks("payload")) == sorted(WebhookEvent.values)


# -- helpers -----------------------------------------------------------------------------------


class Runner:
    """Runs the docs' examples with one environment and keeps what each printed."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.blocks = doc_blocks("example")
        self.outputs: dict[str, str] = {}

    def run(self, name: str, *, code: str = "", **extra_env: str) -> str:
        block = self.blocks[name]
        code = code or block.code
        if block.language == "sh":
            command = ["bash", "-euo", "pipefail", "-c", code]
        else:
            command = [sys.executable, "-c", code]
        result = subprocess.run(
            command,
            env={**self.env, **extra_env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (
            f"docs/api.md example {name!r} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
        self.outputs[name] = result.stdout
        return result.stdout


def _database_url_for_other_processes() -> str | None:
    """The test database as `manage.py` in another process reaches it, or None when it lives
    in this process's memory (SQLite without SQLITE_TEST_NAME)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return None if connection.is_in_memory_db() else f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        return (
            f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return None


def _keys_as_documented(docs: Runner, database_url: str | None) -> dict[str, str]:
    """KEY and REVIEWER_KEY, made by the quick start's `create_api_token … | tail -n1`."""
    if database_url is None:

        def key_for(username: str) -> str:
            out = io.StringIO()
            call_command("create_api_token", username, stdout=out, stderr=io.StringIO())
            return out.getvalue().splitlines()[-1]

        return {"KEY": key_for("editor"), "REVIEWER_KEY": key_for("reviewer")}
    code = docs.blocks["quickstart-keys"].code + '\nprintf "%s\\n" "$KEY" "$REVIEWER_KEY"\n'
    out = docs.run("quickstart-keys", code=code, DATABASE_URL=database_url)
    key, reviewer_key = out.splitlines()[-2:]
    return {"KEY": key, "REVIEWER_KEY": reviewer_key}


def _subscribe_as_documented(docs: Runner, database_url: str | None, receiver_url: str) -> str:
    """The docs' subscription snippet, with the receiver's real address for the documented one
    and without its last line (which starts the receiver). Returns WEBHOOK_SECRET."""
    export, start = docs.blocks["webhook-subscribe"].code.rsplit("\n", 1)
    assert start == "PORT=8001 python3 receiver.py"
    assert DOCUMENTED_RECEIVER in export
    export = export.replace(DOCUMENTED_RECEIVER, receiver_url)
    if database_url is not None:
        code = export + '\nprintf "%s\\n" "$WEBHOOK_SECRET"\n'
        secret = docs.run("webhook-subscribe", code=code, DATABASE_URL=database_url).strip()
    else:  # the Python that `manage.py shell -c "…"` would run, run here
        [python] = re.findall(r'shell -v 0 -c "(.*?)"\)$', export, re.DOTALL)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(python, {})
        secret = printed.getvalue().strip()
    assert re.fullmatch(r"[\w-]{40,}", secret), secret
    return secret


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the docs' receiver exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    pytest.fail(f"the docs' receiver does not listen on port {port}")


def _received(output: str) -> list[tuple[str, str, dict]]:
    """The receiver's lines «event event_id {data}» (its request log lines are skipped)."""
    events = []
    for line in output.splitlines():
        event, _, rest = line.partition(" ")
        if event in WebhookEvent.values:
            event_id, _, data = rest.partition(" ")
            events.append((event, event_id, json.loads(data)))
    return events


def _shape(value):
    """The structure of a JSON value: keys of objects, the first item of arrays, scalar types."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    return type(value).__name__


def _same_shape(documented, real, path: str) -> None:
    if documented is None or real is None:
        return  # a nullable value, null on one side
    if isinstance(documented, dict):
        assert isinstance(real, dict), f"{path}: documented an object"
        assert sorted(documented) == sorted(real), f"{path}: really has keys {sorted(real)}"
        for key in documented:
            _same_shape(documented[key], real[key], f"{path}.{key}")
    elif isinstance(documented, list):
        assert isinstance(real, list), f"{path}: documented a list"
        if documented and real:
            _same_shape(documented[0], real[0], f"{path}[0]")
    else:
        assert documented == real, f"{path}: documented a {documented}, really a {real}"


# -- the test ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_docs_examples_work_against_a_live_server(live_server, tmp_path):
    for tool in ("curl", "jq", "openssl"):
        require_service(
            shutil.which(tool) is not None,
            f"`{tool}` is not installed; the shell examples of docs/api.md use it",
        )

    # What `make run` does: demo users, the seed articles imported and extracted (the tasks run
    # in-process, as without a broker).
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("import_articles", str(ROOT / "seeds"), "--no-progress", stdout=io.StringIO())
    assert Article.objects.count() == 3

    database_url = _database_url_for_other_processes()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    }
    docs = Runner(env)
    env.update(_keys_as_documented(docs, database_url), BASE=live_server.url)

    out = docs.run("quickstart")
    lines = out.splitlines()
    assert lines[0] == "ok", out
    assert [line.split("\t")[:3] for line in lines[1:4]] == [
        [str(a.pk), "draft", a.language] for a in Article.objects.order_by("-id")
    ], out
    assert lines[4:] == ["kzeditor API 1.0.0"], out
    out = docs.run("errors")
    assert '"code":"invalid_choice"' in out, out
    assert out.rstrip().endswith("HTTP 400 application/problem+json"), out

    # The docs' receiver, subscribed as the docs say, listens while the recipes run.
    port = _free_port()
    receiver_url = f"http://127.0.0.1:{port}/"
    secret = _subscribe_as_documented(docs, database_url, receiver_url)
    log = tmp_path / "receiver.log"
    with log.open("w", encoding="utf-8") as log_file:
        receiver = subprocess.Popen(
            [sys.executable, "-c", docs.blocks["webhook-receiver"].code],
            env={**env, "WEBHOOK_SECRET": secret, "PORT": str(port)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        _wait_listening(port, receiver, log)
        published = _run_recipes(docs, receiver_url, secret)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)

    _check_deliveries(_received(log.read_text(encoding="utf-8")), published)
    _check_verify_signature(docs, secret)


def _run_recipes(docs: Runner, receiver_url: str, secret: str) -> list[int]:
    """Every recipe, in the docs' order; returns the ids of the articles the workflow
    recipes published."""
    seed_003 = Article.objects.get(title__startswith="Что подробно обсудили")

    # Push: a fresh article is imported and extracted; Tokayev is found and linked.
    for name in ("push-sh", "push-python"):
        out = docs.run(name)
        assert re.search(r"^job \d+: finished$", out, re.MULTILINE), out
        assert re.search(r"^imported: Imported as #\d+\.$", out, re.MULTILINE), out
        assert re.search(r"^article \d+: extraction done$", out, re.MULTILINE), out
        assert "  PER\tҚасым-Жомарт Тоқаев\t→ Kassym-Jomart Tokayev\n" in out, out
    assert "  money\t7,4 млрд теңге\t= 7400000000 KZT\n" in docs.outputs["push-sh"]
    # A seed file again: a duplicate, pointing at the seed article.
    for name in ("push-file-sh", "push-file-python"):
        out = docs.run(name)
        outcome, filename, message, *_ = out.rstrip("\n").split("\t")
        assert (outcome, filename) == ("duplicate", SEED_DUPLICATE), out
        assert message.startswith(f"The same text is already article #{seed_003.pk} «"), out
    assert docs.outputs["push-file-sh"].rstrip().endswith(f"\tarticle {seed_003.pk}")
    assert Article.objects.count() == 5

    # Edit: 200 with a new ETag, then the stale ETag is refused with 412.
    draft = Article.objects.filter(status=ArticleStatus.DRAFT).order_by("-id").first()
    out = docs.run("edit-sh")
    match = re.search(rf'^article {draft.pk} is at "article-{draft.pk}-v(\d+)"$', out, re.M)
    assert match, out
    version = int(match.group(1))
    assert f'\nHTTP/1.1 200 OK\nETag: "article-{draft.pk}-v{version + 1}"\n' in out, out
    assert '"status":412' in out, out
    assert out.rstrip().endswith("HTTP 412"), out
    out = docs.run("edit-python")
    assert f'saved: "article-{draft.pk}-v{version + 2}"\n' in out, out
    assert out.rstrip().endswith("412 precondition_failed"), out
    draft.refresh_from_db()
    assert draft.version == version + 2
    assert draft.byline.startswith("Desk edit ")  # the late colleague's save was refused

    # Workflow: submit (editor) → approve (reviewer) → publish (editor).
    published = []
    for name in ("workflow-sh", "workflow-python"):
        steps = _STEP.findall(docs.run(name))
        assert [status for _, status, _ in steps] == ["in_review", "approved", "published"]
        assert [int(version) for _, _, version in steps] == [2, 3, 4]
        [article_id] = {int(pk) for pk, _, _ in steps}
        assert Article.objects.get(pk=article_id).status == ArticleStatus.PUBLISHED
        published.append(article_id)

    # Pull: both published articles, oldest change first, and the time to ask from next time.
    for name in ("pull-sh", "pull-python"):
        out = docs.run(name)
        rows = re.findall(rf"^(\d+)\s+v(\d+)\s+({_TIMESTAMP})\s", out, re.MULTILINE)
        assert [int(pk) for pk, _, _ in rows] == published, out
        assert {version for _, version, _ in rows} == {"4"}, out
        last = re.escape(rows[-1][2])
        assert re.search(rf"^next time: updated_since ?= ?{last}$", out, re.MULTILINE), out

    # A request signed by hand, as the docs show: accepted, then two refusals.
    out = docs.run("webhook-signed-request", WEBHOOK_SECRET=secret, RECEIVER_URL=receiver_url)
    assert out.split() == ["204", "401", "401"], out
    return published


def _check_deliveries(received: list[tuple[str, str, dict]], published: list[int]) -> None:
    """Every event reached the docs' receiver, was verified and handled once, and the docs'
    payload examples have the real payloads' shape."""
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert all(d.status == DeliveryStatus.SUCCEEDED for d in deliveries), [
        (d.event, d.status, d.last_error) for d in deliveries
    ]
    by_id = {event_id: (event, data) for event, event_id, data in received}
    assert len(by_id) == len(received) == len(deliveries) + 1
    assert by_id.pop(SIGNED_BY_HAND) == ("article.updated", {"id": 1})
    assert by_id == {str(d.event_id): (d.event, d.payload["data"]) for d in deliveries}

    events = [(event, data) for event, event_id, data in received if event_id != SIGNED_BY_HAND]
    assert [data["id"] for event, data in events if event == "article.published"] == published
    imports = [data for event, data in events if event == "import.finished"]
    assert [(d["imported"], d["duplicates"]) for d in imports] == [(1, 0), (1, 0), (0, 1), (0, 1)]
    assert [d["changed"] for e, d in events if e == "article.updated"][:2] == [["byline"]] * 2

    for event, block in doc_blocks("payload").items():
        documented = json.loads(block.code)
        assert documented["event"] == event
        if event == WebhookEvent.TRANSLATION_APPROVED:  # no recipe approves a translation
            translation = Translation(
                pk=7, article_id=12, language="ru", status="approved", version=9
            )
            real = {
                **deliveries[0].payload,
                "event": event,
                "data": webhook_translation_data(translation=translation),
            }
        else:
            real = next(d.payload for d in deliveries if d.event == event)
        _same_shape(_shape(documented), _shape(real), event)


def _check_verify_signature(docs: Runner, secret: str) -> None:
    """The docs' verify_signature agrees with integrations.webhooks.signing on a real delivery
    and on the ways a signature can be wrong."""
    namespace: dict = {"__name__": "docs_receiver"}  # defines the functions, starts no server
    exec(docs.blocks["webhook-receiver"].code, namespace)
    verify = namespace["verify_signature"]

    delivery = WebhookDelivery.objects.filter(event="article.published").first()
    body = webhook_body(delivery.payload)
    now = int(time.time())
    header = webhook_headers(delivery=delivery, body=body, timestamp=now)["X-Kzeditor-Signature"]
    signature = header.split(",")[1]
    zeros = "v1=" + "0" * 64
    cases = [
        (secret, header, body, now, True),
        (secret, header, body, now + 299, True),
        (secret, header, body, now - 299, True),
        (secret, header, body, now + 301, False),  # stale
        (secret, header, body, now - 301, False),  # from the future
        (secret, header, body + b" ", now, False),  # another body
        (secret, header, body.replace(b'"id":', b'"id" :'), now, False),
        ("another secret", header, body, now, False),
        ("", header, body, now, False),
        (secret, f"t={now},{zeros},{signature}", body, now, True),  # two secrets while rotating
        (secret, f"{header},{zeros}", body, now, True),
        (secret, f"t={now},{zeros}", body, now, False),
        (secret, f"t={now + 1},{signature}", body, now, False),  # the time is signed too
        (secret, signature, body, now, False),
        (secret, f"t={now}", body, now, False),
        (secret, f"t=²,{signature}", body, now, False),
        (secret, f"t={now},v1=ü", body, now, False),
        (secret, "", body, now, False),
        (secret, "garbage", body, now, False),
    ]
    for key, sig_header, sig_body, at, expected in cases:
        real = webhook_verify(key, sig_header, sig_body, now=at)
        assert real is expected, (sig_header, at)
        assert verify(key, sig_header, sig_body, now=at) is expected, (sig_header, at)
