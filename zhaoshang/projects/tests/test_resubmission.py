"""A claim the bureau returned is corrected and submitted again, then verified once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects.forms import StageClaimForm
from zhaoshang.projects.models import StageEvent
from zhaoshang.projects.services import StageClaim, return_event, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db

# The stage a project is at before the claim, and the claim's first and corrected dates.
CASES = {
    "negotiating": ("lead", datetime.date(2024, 3, 1), datetime.date(2024, 3, 2)),
    "signed": ("negotiating", datetime.date(2024, 5, 1), datetime.date(2024, 5, 3)),
    "registered": ("signed", datetime.date(2024, 5, 10), datetime.date(2024, 5, 12)),
    "started": ("signed", datetime.date(2024, 11, 1), datetime.date(2024, 11, 3)),
    "production": ("started", datetime.date(2024, 12, 1), datetime.date(2024, 12, 3)),
}


def claim(stage, date, amount=None):
    return StageClaim(stage=stage, date=date, amount=Decimal(amount) if amount else None)


@pytest.mark.parametrize("stage", list(CASES))
def test_a_returned_claim_of_each_stage_is_offered_again_resubmitted_and_verified(personas, stage):
    before, first_date, corrected = CASES[stage]
    p = project(personas.officer_a, personas.town_a, stage=before, investor=company())
    returned = submit_stage(personas.officer_a, p, claim(stage, first_date, "60000" if stage == "signed" else None))
    return_event(personas.bureau, returned, "证明材料不清楚")
    p.refresh_from_db()

    offered = dict(StageClaimForm(project=p).fields["stage"].choices)
    assert offered[stage].endswith("（重新填报，上次被退回）")

    again = submit_stage(personas.officer_a, p, claim(stage, corrected, "55000" if stage == "signed" else None))
    assert (again.resubmission_of, again.is_supplementary, again.status) == (returned, False, "submitted")
    verify_event(personas.bureau, again)
    p.refresh_from_db()
    returned.refresh_from_db()
    assert p.verified_stage == stage
    assert (returned.status, returned.return_reason) == ("returned", "证明材料不清楚")  # the history stays
    assert stage not in dict(StageClaimForm(project=p).fields["stage"].choices)  # nothing left to resubmit
    if stage == "signed":
        assert (p.signed_on, p.total_investment) == (corrected, Decimal("55000"))
    with pytest.raises(ValidationError):
        verify_event(personas.bureau, returned)  # the replaced claim can no longer count as well


def test_a_returned_signing_is_not_taken_for_a_supplementary_agreement(personas):
    p = project(personas.officer_a, personas.town_a, investor=company())
    returned = submit_stage(personas.officer_a, p, claim("signed", datetime.date(2024, 5, 1), "80000"))
    return_event(personas.bureau, returned, "缺少协议扫描件")
    p.refresh_from_db()
    form = StageClaimForm({"stage": "signed", "date": "2024-05-02", "amount": "80000"}, project=p)
    assert form.is_valid() and form.cleaned_data["is_supplementary"] is False
    initial = StageClaimForm(project=p).initial  # the menu proposes the correction, from the returned values
    assert (initial["stage"], initial["date"], initial["amount"]) == (
        "signed",
        datetime.date(2024, 5, 1),
        Decimal("80000"),
    )


def test_a_claim_cannot_be_made_twice_while_the_first_waits(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    with pytest.raises(ValidationError) as error:
        submit_stage(personas.officer_a, p, claim("signed", datetime.date(2024, 5, 2), "1000"))
    assert "补充协议请选择「签约（补充协议）」" in error.value.message_dict["stage"][0]
    submit_stage(personas.officer_a, p, claim("started", datetime.date(2024, 11, 1)))
    with pytest.raises(ValidationError) as error:
        submit_stage(personas.officer_a, p, claim("started", datetime.date(2024, 11, 2)))
    assert "不能重复填报" in error.value.message_dict["stage"][0]


def test_a_returned_signing_of_a_started_project_is_corrected_without_moving_it_back(personas):
    p = project(personas.officer_a, personas.town_a, stage="started")
    signing = p.events.get(stage="signed")
    return_event(personas.bureau, signing, "签约日期有误")
    again = submit_stage(personas.officer_a, p, claim("signed", datetime.date(2024, 4, 15), "50000"))
    p.refresh_from_db()
    assert (p.stage, p.signed_on, again.resubmission_of) == ("started", datetime.date(2024, 4, 15), signing)


def test_the_officer_resubmits_a_returned_start_on_the_page_and_the_bureau_verifies_it(personas, client):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    pdf = SimpleUploadedFile("开工照片.pdf", b"%PDF-1.4 site", content_type="application/pdf")
    client.force_login(personas.officer_a)
    client.post(reverse("projects:advance", args=[p.pk]), {"stage": "started", "date": "2024-11-01", "evidence": pdf})
    first = p.events.get(stage="started")
    client.force_login(personas.bureau)
    client.post(reverse("projects:event_return", args=[first.pk]), {"reason": "照片看不清"})
    client.force_login(personas.officer_a)
    page = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert "开工（重新填报，上次被退回）" in page
    pdf = SimpleUploadedFile("施工许可证.pdf", b"%PDF-1.4 permit", content_type="application/pdf")
    client.post(reverse("projects:advance", args=[p.pk]), {"stage": "started", "date": "2024-11-02", "evidence": pdf})
    again = StageEvent.objects.get(resubmission_of=first)
    client.force_login(personas.bureau)
    page = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert "上次填报（2024年11月1日）被退回，原因：照片看不清" in page
    response = client.post(reverse("projects:event_verify", args=[first.pk]), follow=True)
    assert "请审核重新填报的记录" in response.content.decode()  # refused in Chinese, not a 500
    client.post(reverse("projects:event_verify", args=[again.pk]))
    p.refresh_from_db()
    assert p.verified_stage == "started"
