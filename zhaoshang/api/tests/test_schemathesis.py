"""schemathesis over /api/v1/openapi.json with each persona's token (a town officer's with
more examples; the bureau's, a leader's, the system admin's and the auditor's with a few
each): for every operation, generated requests (valid and not) never get a 5xx, and every
answer — errors included, the role refusals of 三权分立 too — matches what the document
says (status, content type, body).

In process: the requests go to Django's WSGI application directly, no network. A fixed,
small number of examples per operation and derandomized generation keep the run short
(about half a minute) and the same on every machine."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Django's WSGI handler closes the database connection when a request ends
    (``close_old_connections`` on ``request_finished``); the test's transaction lives on that
    connection (on PostgreSQL it was closed under the test). Django's own test client
    disconnects the same receiver for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Path parameter → the officer's own object in the ``world`` fixture (conftest.py).
OWN_OBJECTS = {
    "problem_id": "my_problem",
    "instruction_id": "my_instruction",
    "round_id": "round",
    "report_id": "my_report",
    "bulletin_id": "published",
    "result_id": "result",
    "company_id": "my_company",
    "contact_id": "my_contact",
    "interaction_id": "my_interaction",
    "intermediary_id": "my_intermediary",
    "agreement_id": "my_agreement",
    "trip_id": "my_trip",
    "campaign_id": "my_campaign",
}


@pytest.fixture
def officer_token(personas, token_for, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # the limit has its own test
    project(personas.officer_a, personas.town_a, name="城关镇的项目")
    signed = project(personas.officer_a, personas.town_a, name="城关镇签约项目", stage="signed")
    project(personas.officer_b, personas.town_b, name="河口镇的项目")
    return token_for(personas.officer_a), signed.pk


@schema.parametrize()
@hypothesis_settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, officer_token, request):
    token, project_id = officer_token
    _call_with_own_objects(case, token, project_id, request)


@pytest.mark.parametrize("persona", ["bureau", "leader", "sysadmin", "auditor"])
@schema.parametrize()
@hypothesis_settings(
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_for_every_role(
    case, persona, officer_token, personas, token_for, request
):
    _, project_id = officer_token
    _call_with_own_objects(case, token_for(getattr(personas, persona)), project_id, request)


def _call_with_own_objects(case, token, project_id, request):
    if case.path_parameters and "project_id" in case.path_parameters:
        # A generated id is almost never a project; the officer's own one reaches the
        # forms and services behind each endpoint (other towns' ids: test_personas.py).
        case.path_parameters["project_id"] = project_id
    own = set(case.path_parameters or ()) & set(OWN_OBJECTS)
    if own:
        # Likewise the officer's own problem, instruction, round, report, bulletin,
        # result, company, contact, meeting, intermediary, agreement, trip and campaign
        # (built only for the operations that take one: conftest.py's world).
        extra = request.getfixturevalue("world").extra
        for name in own:
            case.path_parameters[name] = extra[OWN_OBJECTS[name]].pk
    if case.method in ("PATCH", "PUT") and not (case.headers or {}).get("If-Match"):
        # Mostly the current ETag, so that edits reach the form (428 and 412 have own tests).
        from zhaoshang.projects.models import Project
        from zhaoshang.scheduling.models import RoundItem

        if "report_id" in (case.path_parameters or {}):
            version = RoundItem.objects.get(pk=case.path_parameters["report_id"]).version
        else:
            version = Project.objects.get(pk=project_id).version
        case.headers = {**(case.headers or {}), "If-Match": f'"{version}"'}
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
