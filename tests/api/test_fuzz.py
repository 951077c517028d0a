"""API fuzzing: schemathesis generates requests for every operation of /api/schema/.

Run in-process against the WSGI app, authenticated as a member who has a
connection, a pending request and an introduction, so operations reach past
their 404s. Every response must be a non-5xx, have a status code the schema
documents, and a body that matches the documented schema.
"""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from profiles.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

# Generous enough to reach past validation on each operation, small enough for CI.
EXAMPLES = 12


@pytest.fixture
def _keep_test_connection():
    # Like Django's test client: the WSGI handler must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    # Throttles are proven elsewhere; here they would only turn examples into 429s.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}


# Loaded at collection (the schema view needs no database): schemathesis'
# lazy from_fixture() does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def member_headers(db, connect):
    from connections import services as connection_services

    member = UserFactory(username="fuzzer")
    friend = UserFactory(username="friend")
    other = UserFactory(username="other")
    connect(member, friend)
    connect(friend, other)
    connection_services.connection_request_create(sender=other, recipient=member, note="hello")
    _, key = api_token_create(user=member, name="fuzz")
    return {"Authorization": f"Token {key}"}


VALIDATIONS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
def test_api_operation(case, member_headers, _keep_test_connection):
    case.call_and_validate(headers=member_headers, checks=VALIDATIONS)
