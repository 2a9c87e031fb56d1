"""Project pages in the words a clerk writes: amounts without trailing zeros, dates in
Chinese, the stage claim's amount named for what it is."""

import pytest
from django.urls import reverse

from zhaoshang.projects.forms import StageClaimForm
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.projects.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def test_the_stale_edit_table_shows_amounts_as_entered(personas, client):
    p = project(personas.officer_a, personas.town_a, investor=company(), total="3500")
    client.force_login(personas.officer_a)
    url = reverse("projects:edit", args=[p.pk])
    base = form_data(personas, name=p.name, version=1, token="", total_investment="3500")
    assert client.post(url, {**base, "remarks": "第一次"}).status_code == 302
    content = client.post(url, {**base, "total_investment": "3600.5", "remarks": "过期的修改"}).content.decode()
    table = content.split('data-testid="stale-warning"')[1].split("</table>")[0]
    assert "<td>3500</td>" in table and "<td>3600.5</td>" in table
    assert "3500.0000" not in table and "3600.5000" not in table


def test_the_stage_claim_form_marks_the_amount_as_the_signing_amount_only(personas, client_for):
    started = project(personas.officer_a, personas.town_a, stage="started")
    content = client_for(personas.officer_a).get(reverse("projects:detail", args=[started.pk])).content.decode()
    assert 'data-stage-only="signed supplementary"' in content and "js/stage_claim.js" in content
    assert StageClaimForm(project=started).fields["stage"].choices[0][0] == "production"
