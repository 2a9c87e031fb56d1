"""A town's own tool pushes its ledger through the API: upload → preview (nothing saved) →
commit, all-or-nothing, in the worker for a large file, followed by GET /jobs/{id}; another
town's batch is 404, a retried commit with the same Idempotency-Key imports once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.imports.models import ImportBatch
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

LEDGER = "项目名称,投资方,总投资（万元）,项目进展,责任单位\n{rows}"


def ledger(*rows) -> bytes:
    return LEDGER.format(rows="".join(f"{name},某某有限公司,100,在谈,{unit}\n" for name, unit in rows)).encode()


def upload(client, token, data, unit, kind="ledger"):
    return client.post(
        f"/api/v1/imports/{kind}",
        {"file": SimpleUploadedFile("台账.csv", data), "unit": unit.pk},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_town_pushes_its_ledger_previews_it_and_commits_it_once(personas, token_for, call, client):
    token = token_for(personas.officer_a)
    answer = upload(
        client, token, ledger(("城关镇物流园项目", "城关镇"), ("城关镇电子项目", "城关镇")), personas.town_a
    )
    assert answer.status_code == 201, answer.content
    batch = answer.json()
    assert batch["summary"]["create"] == 2 and batch["status_label"] and not Project.objects.exists()
    key = {"Idempotency-Key": "ledger-2026-12"}
    first = call(token, "post", f"/api/v1/imports/batches/{batch['id']}/commit", {}, headers=key)
    again = call(token, "post", f"/api/v1/imports/batches/{batch['id']}/commit", {}, headers=key)
    assert first.status_code == 200 and first.json()["batch"]["status"] == "committed"
    assert again.status_code == 200 and again.json() == first.json()
    assert Project.objects.filter(responsible_unit=personas.town_a).count() == 2


def test_a_row_of_another_town_refuses_the_whole_file_in_chinese(personas, token_for, call, client):
    token = token_for(personas.officer_a)
    batch = upload(client, token, ledger(("城关镇项目", "城关镇"), ("河口镇项目", "河口镇")), personas.town_a).json()
    assert batch["summary"]["errors"] == 1
    refused = call(token, "post", f"/api/v1/imports/batches/{batch['id']}/commit", {})
    assert refused.status_code == 422 and "整批未导入" in refused.json()["message"]
    assert not Project.objects.exists()
    partial = call(token, "post", f"/api/v1/imports/batches/{batch['id']}/commit", {"exclude_rows": [3]})
    assert partial.status_code == 200 and list(Project.objects.values_list("name", flat=True)) == ["城关镇项目"]


def test_another_towns_unit_and_batch_are_refused(personas, token_for, call, client):
    refused = upload(client, token_for(personas.officer_a), ledger(("河口镇项目", "河口镇")), personas.town_b)
    assert refused.status_code == 422 and not ImportBatch.objects.exists()
    theirs = upload(client, token_for(personas.officer_b), ledger(("河口镇项目", "河口镇")), personas.town_b).json()
    token = token_for(personas.officer_a)
    assert call(token, "get", f"/api/v1/imports/batches/{theirs['id']}").status_code == 404
    assert call(token, "post", f"/api/v1/imports/batches/{theirs['id']}/commit", {}).status_code == 404
    for persona in (personas.sysadmin, personas.auditor):
        assert upload(client, token_for(persona), ledger(("x", "城关镇")), personas.town_a).status_code == 403
    assert call(token, "post", "/api/v1/imports/nothing", {}).status_code in (404, 422)


def test_a_large_file_commits_in_the_worker_and_its_job_is_followed(personas, token_for, call, client, settings):
    settings.IMPORT_JOB_MIN_ROWS = 2
    token = token_for(personas.officer_a)
    rows = [(f"城关镇项目{n}", "城关镇") for n in range(3)]
    batch = upload(client, token, ledger(*rows), personas.town_a).json()
    answer = call(token, "post", f"/api/v1/imports/batches/{batch['id']}/commit", {})
    assert answer.status_code == 202
    job = answer.json()["job"]
    followed = call(token, "get", f"/api/v1/jobs/{job['id']}").json()
    assert followed["status"] == "done" and Project.objects.count() == 3  # the test worker runs at once
    assert call(token_for(personas.officer_b), "get", f"/api/v1/jobs/{job['id']}").status_code == 404
