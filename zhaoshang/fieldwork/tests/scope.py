"""Object URLs of the fieldwork app, for the generic scope check (zhaoshang/testing.py):
each made for a trip of town B, which town A's officer must not reach."""

from zhaoshang.testing import ScopeCheck


def town_b_trip(personas):
    from zhaoshang.fieldwork.tests.factories import trip

    return trip(personas.town_b, leader="河口镇长", title="镇长")


def town_b_visit(personas):
    from zhaoshang.fieldwork.models import TripVisit

    return TripVisit.objects.create(trip=town_b_trip(personas), visited_name="宁波港联物流有限公司")


def town_b_campaign(personas):
    import datetime

    from zhaoshang.fieldwork.models import Campaign

    return Campaign.objects.create(
        name="河口镇招商推介会", kind="promotion", start_on=datetime.date(2026, 5, 8), organiser=personas.town_b
    )


def town_b_team(personas):
    from zhaoshang.fieldwork.tests.factories import team

    return team(personas.town_b, code="ZD-HZ", name="河口镇驻杭州小分队")


def town_b_member(personas):
    from zhaoshang.fieldwork.models import TeamMember

    return TeamMember.objects.create(team=town_b_team(personas), name="刘洋", home_unit=personas.town_b)


def town_b_report(personas):
    import datetime

    from zhaoshang.fieldwork.models import TeamReport

    return TeamReport.objects.create(team=town_b_team(personas), month=datetime.date(2026, 3, 1), text="走访企业3家")


def town_b_signal(personas):
    from zhaoshang.fieldwork.tests.factories import signal

    return signal(personas.town_b, company="杭州河口精密机械有限公司")


def town_b_signing(personas):
    from zhaoshang.fieldwork.models import CampaignSigning
    from zhaoshang.projects.tests.factories import project

    signed = project(personas.officer_b, personas.town_b, name="河口镇物流项目")
    return CampaignSigning.objects.create(campaign=town_b_campaign(personas), project=signed, document="contract")


def town_b_photo(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from zhaoshang.fieldwork.models import VisitPhoto

    photo = VisitPhoto(
        visit=town_b_visit(personas),
        original_name="现场.jpg",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    photo.file.save("photo", SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 6), save=False)
    photo.save()
    return photo


SCOPE_CHECKS = [
    ScopeCheck("fieldwork:team_detail", lambda p: {"pk": town_b_team(p).pk}),
    ScopeCheck("fieldwork:team_edit", lambda p: {"pk": town_b_team(p).pk}),
    ScopeCheck("fieldwork:member_add", lambda p: {"pk": town_b_team(p).pk}),
    ScopeCheck("fieldwork:member_edit", lambda p: {"pk": town_b_member(p).pk}),
    ScopeCheck("fieldwork:member_delete", lambda p: {"pk": town_b_member(p).pk}),
    ScopeCheck("fieldwork:report_add", lambda p: {"pk": town_b_team(p).pk}),
    ScopeCheck("fieldwork:report_edit", lambda p: {"pk": town_b_report(p).pk}),
    ScopeCheck("fieldwork:signal_detail", lambda p: {"pk": town_b_signal(p).pk}),
    ScopeCheck("fieldwork:signal_edit", lambda p: {"pk": town_b_signal(p).pk}),
    ScopeCheck("fieldwork:signal_step", lambda p: {"pk": town_b_signal(p).pk, "stage": "verified"}, method="post"),
    ScopeCheck("fieldwork:signal_exclude", lambda p: {"pk": town_b_signal(p).pk}, method="post"),
    ScopeCheck("fieldwork:signal_convert", lambda p: {"pk": town_b_signal(p).pk}, method="post"),
    ScopeCheck("fieldwork:mobile_visit", lambda p: {"pk": town_b_trip(p).pk}),
    ScopeCheck("fieldwork:mobile_visit", lambda p: {"pk": town_b_trip(p).pk}, method="post"),
    ScopeCheck("fieldwork:visit_photo", lambda p: {"pk": town_b_photo(p).pk}),
    ScopeCheck("fieldwork:campaign_tasks", lambda p: {"pk": town_b_campaign(p).pk}),
    ScopeCheck("fieldwork:campaign_review", lambda p: {"pk": town_b_campaign(p).pk}),
    ScopeCheck("fieldwork:campaign_review_publish", lambda p: {"pk": town_b_campaign(p).pk}, method="post"),
    ScopeCheck("fieldwork:campaign_signing_remove", lambda p: {"pk": town_b_signing(p).pk}, method="post"),
    ScopeCheck("fieldwork:campaign_detail", lambda p: {"pk": town_b_campaign(p).pk}),
    ScopeCheck("fieldwork:campaign_edit", lambda p: {"pk": town_b_campaign(p).pk}),
    ScopeCheck("fieldwork:campaign_delete", lambda p: {"pk": town_b_campaign(p).pk}),
    ScopeCheck("fieldwork:campaign_signing_add", lambda p: {"pk": town_b_campaign(p).pk}, method="post"),
    ScopeCheck("fieldwork:trip_detail", lambda p: {"pk": town_b_trip(p).pk}),
    ScopeCheck("fieldwork:trip_edit", lambda p: {"pk": town_b_trip(p).pk}),
    ScopeCheck("fieldwork:trip_delete", lambda p: {"pk": town_b_trip(p).pk}),
    ScopeCheck("fieldwork:visit_add", lambda p: {"pk": town_b_trip(p).pk}),
    ScopeCheck("fieldwork:visit_edit", lambda p: {"pk": town_b_visit(p).pk}),
    ScopeCheck("fieldwork:visit_delete", lambda p: {"pk": town_b_visit(p).pk}),
]
# The title table is a dictionary every business user reads and only the bureau and the
# system admin edit; its rows belong to no unit.
ADMIN_ONLY_URLS = ["fieldwork:title_edit", "fieldwork:title_delete"]
