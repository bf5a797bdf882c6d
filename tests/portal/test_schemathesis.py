"""Schemathesis over the whole API, on loopback, as each role.

The schema is read from the running portal (pytest-django's live server, a real HTTP server on
127.0.0.1) and every operation in it gets requests generated from its documented parameters and
bodies, sent once per role: anonymous, a supplier firm's admin and member, an OEM buyer's member,
and Sở Công Thương staff, each with a personal API token. For every answer:

- never a server error (5xx);
- a documented status code's body, content type and headers match the schema.

Refusals (400, 401, 403, 404, 429) are the expected answer to most generated input and are not
listed per operation in the schema, so ``status_code_conformance`` is not among the checks.
A few objects exist (a verified supplier, an open request with matches, a shortlist entry, an
invitation) so that generated ids sometimes name something real.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

from matching import services
from portal.tokens import create_token
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.fixture
def callers(alice, bob, firm, charlie, buyer, staff, tmp_path, settings) -> dict[str, dict]:
    """The Authorization header of each role (none for anonymous), with a small market behind them."""
    settings.MEDIA_ROOT = tmp_path
    alices_firm = verified_supplier(firm, certifications=("iatf-16949",))
    verified_supplier(charlie.memberships.get().organisation)
    part_request = make_request(buyer, status="open")
    services.recompute_requests([part_request])
    services.shortlist_add(request=part_request, supplier=alices_firm, by=buyer)
    services.quote_invite(request=part_request, suppliers=[alices_firm], by=buyer)
    users = {"supplier-admin": alice, "supplier-member": bob, "buyer": buyer, "staff": staff}
    headers = {role: {"Authorization": f"Token {token(user)}"} for role, user in users.items()}
    return {"anonymous": {}, **headers}


def token(user) -> str:
    return create_token(user, name="schemathesis", days=30)[1]


FUZZ = settings(
    max_examples=6,
    deadline=None,
    database=None,  # the same examples every run; no .hypothesis folder from CI
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_answers_every_role_as_its_schema_says(live_server, callers):
    api = schemathesis.openapi.from_url(live_server.url + "/api/v1/schema/")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 25  # the whole API, not an empty or broken schema
    failures = {}
    for operation in operations:
        try:
            _fuzz(operation, callers)
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failures, together
            failures[operation.label] = failure
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())


def _fuzz(operation, callers: dict[str, dict]) -> None:
    @FUZZ
    @given(case=operation.as_strategy())
    def each_role_calls(case):
        for headers in callers.values():
            case.call_and_validate(headers=headers, checks=CHECKS)

    each_role_calls()
