"""Property-based contract test of /api/v1/: Schemathesis generates requests from the OpenAPI
schema the running app serves and sends them, in this process over WSGI, with the key of every
role. Every response must be no server error, documented (status code, content type, headers,
body schema), and an operation that answered a keyed request must refuse the same request
without credentials (401) or with a bad key (401).

Derandomized: the same schema gives the same cases on every run. Every operation gets its
share of at least ``CASES_PER_ROLE`` cases for each role (valid input, invalid input, ids of
real objects, the schema's own examples); the count actually executed is asserted, so the test
cannot shrink to nothing when the schema changes. Each case runs in a savepoint that is rolled
back, so every case meets the same seeded desk."""

from __future__ import annotations

import contextlib
import json
import math
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from integrations.tests.contract import (
    KEYED_ROLES,
    Actors,
    Dataset,
    actors_create,
    dataset_create,
    unthrottled,
    wsgi_app,
)

pytestmark = [pytest.mark.django_db, pytest.mark.schema_fuzz]

CASES_PER_ROLE = 1000
# A little over the floor, so that operations whose every input was tried early (no
# parameters: one possible request) do not leave the role short.
CASES_PLANNED = 1100
# Operations that do heavy work per request get few cases (their paths, as regexes).
HEAVY_OPERATIONS = {r"^POST /api/v1/imports/$": 12}
# Operations whose handful of distinct requests is worth sending only this often.
MAX_PASSES = 40

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]

# The path's collection → the model whose rows the ids in it name. A path parameter after a
# collection that is not listed here is left to the generator.
COLLECTIONS = {
    "articles": "articles.Article",
    "translations": "articles.Translation",
    "segments": "articles.TranslationSegment",
    "rows": "articles.TranslationSegment",
    "imports": "articles.ImportBatch",
    "comments": "articles.Comment",
    "overrides": "articles.QAOverride",
    "entities": "entities.Entity",
    "aliases": "entities.Alias",
    "mentions": "entities.Mention",
    "figures": "entities.Figure",
    "quotes": "entities.Quote",
    "dates": "entities.DateMention",
    "stories": "entities.Story",
    "conflicts": "entities.FigureConflict",
    "curations": "entities.EntityCuration",
}
IDS_PER_OPERATION = 6

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Finding:
    """One failed check: the first request that showed it, and every role it showed for."""

    operation: str
    check: str
    title: str
    method: str
    url: str
    request: str
    status: int
    content_type: str
    response: str
    message: str
    roles: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"[{self.check}] {self.operation} as {', '.join(self.roles)}: {self.title}\n"
            f"  request:  {self.request}\n"
            f"  response: {self.status} {self.content_type} {self.response}\n"
            f"  {self.message.strip()[:1200]}"
        ).replace("\n", "\n  ")


# Findings the test reports but does not fail on, while their fix is pending (each says whose
# and how); any other finding fails the test. Keep this short: delete an entry with its fix.
KNOWN_FAILURES: list[tuple[str, Callable[[Finding], bool]]] = []


def _known(finding: Finding) -> str | None:
    return next((why for why, matches in KNOWN_FAILURES if matches(finding)), None)


@dataclass
class Run:
    """What the fuzzer did and found, over every role."""

    app: object
    actors: Actors
    cases: Counter = field(default_factory=Counter)
    # operation → status → responses (every role)
    by_operation: dict[str, Counter] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    findings: dict[tuple, Finding] = field(default_factory=dict)
    auth_probed: set[str] = field(default_factory=set)
    auth_enforced: set[str] = field(default_factory=set)

    def record(self, role: str, case, response, check: str, title: str, message: str) -> None:
        content_type = _header(response, "content-type")
        key = (case.operation.label, check, title, response.status_code, content_type)
        if key not in self.findings:
            request = response.request
            self.findings[key] = Finding(
                operation=case.operation.label,
                check=check,
                title=title,
                method=request.method,
                url=request.url,
                request=_describe_request(response),
                status=response.status_code,
                content_type=content_type,
                response=(response.content or b"")[:600].decode("utf-8", "replace"),
                message=message,
            )
        if role not in self.findings[key].roles:
            self.findings[key].roles.append(role)


def _header(response, name: str) -> str:
    value = response.headers.get(name, [""])
    return value[0] if isinstance(value, list) else value


def _describe_request(response) -> str:
    request = response.request
    body = request.body or b""
    if isinstance(body, bytes):
        body = body[:400].decode("utf-8", "replace")
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() in {"if-match", "content-type"}
    }
    return f"{request.method} {request.url} headers={headers} body={body[:400]!r}"


# -- the schema and the strategies ---------------------------------------------------------------


def _load_schema(actors: Actors) -> dict:
    """The schema as the app serves it to a signed-in user (the schema view needs one)."""
    client = Client()
    client.force_login(actors.users["admin"])
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def _path_collections(path: str) -> list[tuple[str, str | None]]:
    """Each path parameter with the collection segment before it: [("id", "articles"), …]."""
    out = []
    previous = None
    for segment in path.strip("/").split("/"):
        match = re.fullmatch(r"\{(\w+)\}", segment)
        if match:
            out.append((match.group(1), previous))
        else:
            previous = segment
    return out


def _model(collection: str | None) -> type[models.Model] | None:
    label = COLLECTIONS.get(collection or "")
    return apps.get_model(label) if label else None


def _parent_value(child: models.Model, parent_model: type[models.Model]) -> int | None:
    for model_field in child._meta.concrete_fields:
        if isinstance(model_field, models.ForeignKey) and issubclass(
            parent_model, model_field.related_model
        ):
            return getattr(child, model_field.attname)
    return None


def real_path_parameters(path: str) -> list[dict[str, int]]:
    """Sets of path parameters naming real rows (a nested row with its own parent), so some
    generated requests reach the code behind the 404."""
    params = _path_collections(path)
    if not params:
        return []
    name, collection = params[-1]
    model = _model(collection)
    if model is None:
        return []
    out = []
    for row in model.objects.order_by("pk")[:IDS_PER_OPERATION]:
        values = {name: row.pk}
        for parent_name, parent_collection in params[:-1]:
            parent_model = _model(parent_collection)
            value = _parent_value(row, parent_model) if parent_model else None
            if value is None:
                break
            values[parent_name] = value
        else:
            out.append(values)
    return out


@dataclass
class Plan:
    """One strategy of one operation and how many cases to draw from it."""

    label: str
    strategy: st.SearchStrategy
    max_examples: int


# Body fields that name rows (the rows' ids) or users (usernames): the "real ids" cases put
# real ones there, so a write gets past "there is no such …" now and then.
BODY_IDS = {
    "article": "articles.Article",
    "translation": "articles.Translation",
    "entity": "entities.Entity",
    "into": "entities.Entity",
}
BODY_USERNAMES = ("assignee", "translator", "reviewer")


def real_body_values() -> dict[str, list]:
    values: dict[str, list] = {
        name: list(
            apps.get_model(label)
            .objects.order_by("pk")
            .values_list("pk", flat=True)[:IDS_PER_OPERATION]
        )
        for name, label in BODY_IDS.items()
    }
    usernames = list(get_user_model().objects.order_by("pk").values_list("username", flat=True))
    values.update(dict.fromkeys(BODY_USERNAMES, usernames))
    return values


def _with_real_body_values(case, real: dict[str, list]):
    """The case with the id and username fields of its JSON body replaced by real ones (picked
    by the generated value, so the same case always gets the same row)."""
    if isinstance(case.body, dict):
        for name, choices in real.items():
            value = case.body.get(name)
            if choices and isinstance(value, int | str) and not isinstance(value, bool):
                case.body[name] = choices[zlib.crc32(str(value).encode()) % len(choices)]
    return case


def _strategies(operation, budget: int, real_body: dict[str, list]) -> list[Plan]:
    label = operation.label
    plans: list[Plan] = []
    for index, strategy in enumerate(operation.get_strategies_from_examples()):
        plans.append(Plan(f"{label} example {index}", strategy, 1))
    real = real_path_parameters(operation.path)
    unsafe = operation.method.upper() in UNSAFE
    shares = {"positive": 0.55, "negative": 0.45}
    if real or unsafe:
        shares = {"positive": 0.35, "negative": 0.3, "real ids": 0.35}
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    plans.append(Plan(f"{label} positive", positive, max(1, round(budget * shares["positive"]))))
    plans.append(
        Plan(
            f"{label} negative",
            operation.as_strategy(GenerationMode.NEGATIVE),
            max(1, round(budget * shares["negative"])),
        )
    )
    if real or unsafe:
        # "*" matches any current version: the writes get past the precondition sometimes.
        headers = {"If-Match": "*"} if unsafe else None
        if real:
            strategy = st.sampled_from(real).flatmap(
                lambda values: operation.as_strategy(
                    GenerationMode.POSITIVE, path_parameters=values, headers=headers
                )
            )
        else:
            strategy = operation.as_strategy(GenerationMode.POSITIVE, headers=headers)
        strategy = strategy.map(lambda case: _with_real_body_values(case, real_body))
        plans.append(
            Plan(f"{label} real ids", strategy, max(1, round(budget * shares["real ids"])))
        )
    return plans


def _draw(plan: Plan, seed: int, execute: Callable) -> int:
    """Run up to ``plan.max_examples`` cases of the strategy; the number actually run."""
    count = 0

    @hypothesis.seed(seed)
    @hypothesis.settings(
        derandomize=True,
        database=None,
        max_examples=plan.max_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
    )
    @hypothesis.given(case=plan.strategy)
    def run(case) -> None:
        nonlocal count
        count += 1
        execute(case)

    # Unsatisfiable: nothing (more) to generate, e.g. no way to make this input invalid.
    with contextlib.suppress(Unsatisfiable, FailedHealthCheck):
        run()
    return count


# -- one case ------------------------------------------------------------------------------------


def _execute(run: Run, case) -> None:
    """Send the case as every role, each in a savepoint rolled back afterwards."""
    for role in KEYED_ROLES:
        headers = run.actors.headers(role)
        with transaction.atomic():
            response = case.call(app=run.app, headers=headers)
            run.statuses[(role, response.status_code)] += 1
            run.by_operation.setdefault(case.operation.label, Counter())[response.status_code] += 1
            label = case.operation.label
            # ``ignored_auth`` replays a 2xx request without credentials and with a bad key;
            # once per operation is proof enough (the schemathesis runner does the same).
            checks = CHECKS if label not in run.auth_enforced else CHECKS[:-1]
            try:
                case.validate_response(
                    response, checks=checks, headers=headers, transport_kwargs={"app": run.app}
                )
            except FailureGroup as group:
                for failure in group.exceptions:
                    check = failure.checks[0] if failure.checks else type(failure).__name__
                    run.record(role, case, response, check, failure.title, failure.message)
            if 200 <= response.status_code < 300:
                run.auth_enforced.add(label)
            if label not in run.auth_probed:
                run.auth_probed.add(label)
                _probe_auth(run, case)
            transaction.set_rollback(True)
        run.cases[role] += 1


def _probe_auth(run: Run, case) -> None:
    """Stricter than ``ignored_auth`` (which takes 403 too): without credentials, or with a
    key that does not exist, every operation answers 401 with a Bearer challenge."""
    for scenario, headers in (
        ("no credentials", {}),
        ("unknown key", {"Authorization": "Bearer nope.not-a-key"}),
    ):
        response = case.call(app=run.app, headers=headers)
        challenge = _header(response, "www-authenticate")
        if response.status_code != 401 or not challenge.startswith("Bearer"):
            run.record(
                f"anonymous ({scenario})",
                case,
                response,
                "auth_enforcement_401",
                "Not refused with 401 and a Bearer challenge",
                f"WWW-Authenticate: {challenge!r}",
            )


# -- the test --------------------------------------------------------------------------------------


def _budget(operation, per_operation: int) -> int:
    for pattern, cap in HEAVY_OPERATIONS.items():
        if re.search(pattern, f"{operation.method.upper()} {operation.path}"):
            return min(cap, per_operation)
    return per_operation


def _seed(*parts: object) -> int:
    return zlib.crc32(" ".join(map(str, parts)).encode())


def _fuzz(run: Run, operations: list) -> int:
    """Generate at least ``CASES_PER_ROLE`` cases, each sent as every role; how many."""
    per_operation = math.ceil(CASES_PLANNED / len(operations))
    real_body = real_body_values()
    plans = [
        plan
        for operation in operations
        for plan in _strategies(operation, _budget(operation, per_operation), real_body)
    ]
    generated = 0
    exhausted: set[str] = set()
    for number in range(MAX_PASSES):
        for plan in plans:
            if plan.label in exhausted:
                continue
            ran = _draw(plan, _seed(plan.label, number), lambda case: _execute(run, case))
            generated += ran
            # Fewer than asked: hypothesis tried every distinct input this strategy has.
            if ran < plan.max_examples or plan.max_examples == 1:
                exhausted.add(plan.label)
        if generated >= CASES_PER_ROLE or len(exhausted) == len(plans):
            break
        # Short only when most operations take a handful of distinct inputs: draw again, with
        # another seed, from those that have more.
    return generated


def test_every_operation_as_every_role(dataset: Dataset, actors: Actors, capsys) -> None:
    started = time.monotonic()
    # Loaded before the WSGI app is set up: the test client reconnects the connection
    # recycling on its way out, which the app's requests must not have.
    schema = schemathesis.openapi.from_dict(_load_schema(actors))
    # Literal values mined from the app's source would make the cases depend on every module
    # of the project; the schema alone drives generation.
    schema.config.analysis.constants.enabled = False
    with unthrottled(), wsgi_app() as app:
        schema.app = app  # the checks' own requests (the auth probes) go there too
        operations = [result.ok() for result in schema.get_all_operations()]
        assert operations, "the schema has no operations"
        run = Run(app=app, actors=actors)
        generated = _fuzz(run, operations)
    elapsed = time.monotonic() - started

    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {generated} generated cases, "
            f"each sent as {len(KEYED_ROLES)} roles, in {elapsed:.1f} s"
        )
        for role in KEYED_ROLES:
            statuses = sorted((s, n) for (r, s), n in run.statuses.items() if r == role)
            print(f"  {role:14} {run.cases[role]:5} cases  {statuses}")
        never = sorted(
            label
            for label, statuses in run.by_operation.items()
            if not any(200 <= status < 300 for status in statuses)
        )
        print(f"  operations no role got a 2xx from ({len(never)}): {never}")
        for finding in run.findings.values():
            why = _known(finding)
            print(f"KNOWN ({why})\n{finding}" if why else f"NEW\n{finding}")

    unknown = [f for f in run.findings.values() if not _known(f)]
    assert not unknown, "\n\n".join(str(f) for f in unknown)
    for role in KEYED_ROLES:
        assert run.cases[role] >= CASES_PER_ROLE, (role, run.cases[role])
    assert run.auth_probed == {operation.label for operation in operations}


@pytest.fixture
def actors() -> Actors:
    return actors_create(prefix="fuzz-")


@pytest.fixture
def dataset(actors: Actors) -> Dataset:
    return dataset_create(actors)
