"""关系网络 through the API, by persona: another town's contact and interaction are 404
through every endpoint; a phone number never leaves masked except through the reveal, which
needs a purpose (refused in Chinese without one) and writes the audit row; a leader reads
contacts masked and may not reveal; the system admin and the auditor read nothing."""

import datetime

import pytest

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import company
from zhaoshang.relations.models import Contact, Interaction, Intermediary, PromotionAgreement

pytestmark = pytest.mark.django_db

PHONE, OFFICE, WECHAT, ID_NUMBER = "13812345678", "0755-86001234", "lizong_szat88", "440301198001011234"
THEIR_PHONE = "13987654321"


@pytest.fixture
def network(personas):
    """Town A's firm with a contact and a meeting, and the same for town B, plus an
    intermediary with an agreement of each town."""
    p = personas
    mine_firm = company(name="深圳安泰电子元件有限公司", unit=p.town_a)
    their_firm = company(name="宁波港联物流有限公司", unit=p.town_b)
    p.extra["mine"] = Contact.objects.create(
        company=mine_firm,
        name="李总",
        title="总经理",
        phone=PHONE,
        office_phone=OFFICE,
        wechat=WECHAT,
        id_number=ID_NUMBER,
        keeping_unit=p.town_a,
    )
    p.extra["theirs"] = Contact.objects.create(
        company=their_firm, name="王经理", phone=THEIR_PHONE, keeping_unit=p.town_b
    )
    p.extra["firm"], p.extra["their_firm"] = mine_firm, their_firm
    for unit, firm, contact, key in (
        (p.town_a, mine_firm, p.extra["mine"], "my_meeting"),
        (p.town_b, their_firm, p.extra["theirs"], "their_meeting"),
    ):
        meeting = Interaction.objects.create(
            kind="visit", date=datetime.date(2024, 5, 6), unit=unit, company=firm, content=f"拜访{firm.name}"
        )
        meeting.contacts.set([contact])
        p.extra[key] = meeting
    broker = Intermediary.objects.create(name="上海示范商会", kind="regional_chamber", created_by_unit=p.town_b)
    p.extra["broker"] = broker
    for unit, key in ((p.town_a, "my_agreement"), (p.town_b, "their_agreement")):
        p.extra[key] = PromotionAgreement.objects.create(
            intermediary=broker,
            unit=unit,
            title=f"{unit.name}委托上海示范商会招商",
            scope="电子信息",
            start_on=datetime.date(2024, 1, 1),
            end_on=datetime.date(2025, 12, 31),
            fee_amount="12.5000",
        )
    return p


def test_town_bs_contact_meeting_and_agreement_are_404_for_town_a_through_every_endpoint(network, token_for, call):
    extra = network.extra
    token = token_for(network.officer_a)
    theirs, meeting, agreement = extra["theirs"].pk, extra["their_meeting"].pk, extra["their_agreement"].pk
    for method, path, body in [
        ("get", f"/api/v1/contacts/{theirs}", None),
        ("post", f"/api/v1/contacts/{theirs}/reveal", {"field": "phone", "purpose": "约定走访时间"}),
        ("get", f"/api/v1/interactions/{meeting}", None),
        ("get", f"/api/v1/agreements/{agreement}", None),
    ]:
        answer = call(token, method, path, body)
        assert answer.status_code == 404, path
        assert THEIR_PHONE not in answer.content.decode()
    for path, mine in [
        ("/api/v1/contacts", extra["mine"].pk),
        ("/api/v1/interactions", extra["my_meeting"].pk),
        ("/api/v1/agreements", extra["my_agreement"].pk),
    ]:
        assert [row["id"] for row in call(token, "get", path).json()["results"]] == [mine], path
    broker = call(token, "get", f"/api/v1/intermediaries/{extra['broker'].pk}").json()
    assert [row["id"] for row in broker["agreements"]] == [extra["my_agreement"].pk]
    assert broker["agreements"][0]["fee_amount"] == "12.5"
    # Town B's meeting named its own contact: town A's detail of a shared firm shows neither.
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_no_personal_field_leaves_unmasked_in_any_list_or_detail(network, token_for, call):
    extra = network.extra
    for persona in (network.officer_a, network.bureau, network.leader):
        token = token_for(persona)
        for path in (
            "/api/v1/contacts",
            f"/api/v1/contacts/{extra['mine'].pk}",
            "/api/v1/contacts?q=李总",
            f"/api/v1/companies/{extra['firm'].pk}",
            f"/api/v1/interactions/{extra['my_meeting'].pk}",
            "/api/v1/interactions",
        ):
            answer = call(token, "get", path)
            assert answer.status_code == 200, (persona.username, path)
            text = answer.content.decode()
            for raw in (PHONE, OFFICE, WECHAT, ID_NUMBER, THEIR_PHONE, "86001234"):
                assert raw not in text, (persona.username, path, raw)
    detail = call(token_for(network.officer_a), "get", f"/api/v1/contacts/{extra['mine'].pk}").json()
    mine = extra["mine"]
    assert detail["phone"] == "138****5678" == mine.masked("phone")
    assert (detail["office_phone"], detail["wechat"], detail["id_number"]) == (
        mine.masked("office_phone"),
        mine.masked("wechat"),
        mine.masked("id_number"),
    )
    assert detail["id_number"] == "44**************34"
    # A number is not a way to find a person: the search text holds none.
    assert call(token_for(network.bureau), "get", f"/api/v1/contacts?q={PHONE}").json()["results"] == []


def test_a_reveal_needs_a_purpose_in_chinese_and_writes_the_audit_row(network, token_for, call):
    contact = network.extra["mine"]
    token = token_for(network.officer_a)
    url = f"/api/v1/contacts/{contact.pk}/reveal"
    for body in ({"field": "phone", "purpose": ""}, {"field": "phone", "purpose": " 看 "}, {"field": "phone"}):
        refused = call(token, "post", url, body)
        assert refused.status_code == 422, body
        assert PHONE not in refused.content.decode()
        assert "目的" in refused.json()["message"] or "purpose" in refused.json()["message"]
    assert "请写明查看目的" in call(token, "post", url, {"field": "phone", "purpose": " 看 "}).json()["message"]
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    shown = call(token, "post", url, {"field": "phone", "purpose": "约定下周走访时间"})
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert shown.json() == {"contact_id": contact.pk, "field": "phone", "field_label": "手机号", "value": PHONE}
    log = AuditLog.objects.get(action=AuditAction.REVEAL)
    assert log.user == network.officer_a and log.object_id == str(contact.pk)
    assert log.changes == {"field": "phone", "purpose": "约定下周走访时间"} and "约定下周走访时间" in log.detail
    # A field the contact does not hold is not offered, as on the page.
    contact.email, contact.id_number = "", ""
    contact.save()
    assert call(token, "post", url, {"field": "id_number", "purpose": "核对身份"}).status_code == 422


def test_the_leader_reads_masked_and_may_not_reveal(network, token_for, call):
    contact = network.extra["mine"]
    token = token_for(network.leader)
    assert call(token, "get", f"/api/v1/contacts/{contact.pk}").json()["phone"] == "138****5678"
    refused = call(token, "post", f"/api/v1/contacts/{contact.pk}/reveal", {"field": "phone", "purpose": "了解情况"})
    assert refused.status_code == 403 and "完整" in refused.json()["message"]
    assert PHONE not in refused.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    bureau = call(
        token_for(network.bureau),
        "post",
        f"/api/v1/contacts/{network.extra['theirs'].pk}/reveal",
        {"field": "phone", "purpose": "市局统筹对接"},
    )
    assert bureau.json()["value"] == THEIR_PHONE


def test_the_system_admin_and_the_auditor_get_role_forbidden(network, token_for, call):
    extra = network.extra
    for persona in (network.sysadmin, network.auditor):
        token = token_for(persona)
        for method, path, body in [
            ("get", "/api/v1/companies", None),
            ("get", f"/api/v1/companies/{extra['firm'].pk}", None),
            ("get", "/api/v1/contacts", None),
            ("get", f"/api/v1/contacts/{extra['mine'].pk}", None),
            ("post", f"/api/v1/contacts/{extra['mine'].pk}/reveal", {"field": "phone", "purpose": "审计核查"}),
            ("get", "/api/v1/interactions", None),
            ("get", "/api/v1/intermediaries", None),
            ("get", "/api/v1/agreements", None),
        ]:
            answer = call(token, method, path, body)
            assert (answer.status_code, answer.json()["code"]) == (403, "role_forbidden"), (persona.username, path)


def test_companies_are_the_shared_registry_with_the_pages_filter_and_profile(network, token_for, call):
    from zhaoshang.relations.services import merge_companies

    firm = network.extra["firm"]
    firm.flags, firm.former_names, firm.registered_capital = ["global500"], ["深圳安泰电子"], "80000.5000"
    firm.listed_exchange = ""
    firm.save()
    duplicate = company(name="深圳安泰电子元件公司", unit=network.town_a)
    merge_companies(network.bureau, firm, duplicate, reason="同一企业")
    token = token_for(network.officer_a)
    names = [row["name"] for row in call(token, "get", "/api/v1/companies").json()["results"]]
    assert names == sorted(["深圳安泰电子元件有限公司", "宁波港联物流有限公司"])  # another town's too, no duplicate
    found = call(token, "get", "/api/v1/companies?q=安泰").json()["results"]
    assert [row["id"] for row in found] == [firm.pk]
    assert [row["id"] for row in call(token, "get", "/api/v1/companies?flag=global500").json()["results"]] == [firm.pk]
    refused = call(token, "get", "/api/v1/companies?flag=nonsense")
    assert refused.status_code == 422 and "筛选条件有误" in refused.json()["message"]
    detail = call(token, "get", f"/api/v1/companies/{firm.pk}").json()
    assert detail["flag_labels"] == ["世界500强"] and "深圳安泰电子" in detail["former_names"]
    assert detail["registered_capital"] == "80000.5"
    assert call(token, "get", f"/api/v1/companies/{duplicate.pk}").json()["merged_into_id"] == firm.pk


def test_an_interaction_is_recorded_once_with_an_idempotency_key(network, token_for, call):
    token = token_for(network.officer_a)
    firm, mine = network.extra["firm"], network.extra["mine"]
    body = {
        "kind": "visit",
        "date": "2024-06-03",
        "company": firm.name,
        "contact_ids": [mine.pk],
        "content": "洽谈扩产，需要标准厂房 2 万平方米",
        "next_contact_on": "2024-06-20",
    }
    headers = {"Idempotency-Key": "visit-0603"}
    first = call(token, "post", "/api/v1/interactions", body, headers=headers)
    assert first.status_code == 201, first.content
    again = call(token, "post", "/api/v1/interactions", body, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    made = Interaction.objects.get(pk=first.json()["id"])
    assert Interaction.objects.filter(content=body["content"]).count() == 1
    assert made.unit == network.town_a and list(made.contacts.all()) == [mine]
    assert [person["id"] for person in first.json()["our_people"]] == [network.officer_a.pk]
    assert PHONE not in first.content.decode()

    # Town B's contact is not offered to town A (the page's form), nor a firm not in the registry.
    theirs = {**body, "contact_ids": [network.extra["theirs"].pk], "company": network.extra["their_firm"].name}
    assert call(token, "post", "/api/v1/interactions", theirs).status_code == 422
    unknown = call(token, "post", "/api/v1/interactions", {**body, "company": "不存在的企业有限公司"})
    assert unknown.status_code == 422 and "企业库中没有这家企业" in unknown.json()["message"]
    early = call(token, "post", "/api/v1/interactions", {**body, "next_contact_on": "2024-05-01"})
    assert early.status_code == 422 and "下次联系日期不能早于本次日期" in early.json()["message"]
    leader = call(token_for(network.leader), "post", "/api/v1/interactions", body)
    assert leader.status_code == 403
    assert Interaction.objects.filter(content=body["content"]).count() == 1
