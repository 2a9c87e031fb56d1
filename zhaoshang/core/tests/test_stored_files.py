"""What the product deletes leaves the disk too; what it refuses to delete keeps its file;
old one-time form tokens are forgotten."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.core.models import CreateToken
from zhaoshang.core.once import TOKEN_KEPT_DAYS, forget_old_tokens
from zhaoshang.projects.attachments import save_attachment
from zhaoshang.projects.services import withdraw_project
from zhaoshang.projects.tests.factories import project


def _evidence(personas, lead):
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 agreement", content_type="application/pdf")
    attachment = save_attachment(personas.officer_a, lead, upload)
    return Path(attachment.file.path)


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_projects_evidence_is_removed_from_the_disk(personas):
    lead = project(personas.officer_a, personas.town_a)
    stored = _evidence(personas, lead)
    assert stored.exists()
    withdraw_project(personas.officer_a, lead, "重复录入")
    assert not stored.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_withdrawal_keeps_the_file_its_row_still_points_at(personas):
    lead = project(personas.officer_a, personas.town_a)
    stored = _evidence(personas, lead)
    with pytest.raises(ValidationError):
        withdraw_project(personas.officer_a, lead, "")  # no reason: refused, rolled back
    assert stored.exists()


@pytest.mark.django_db
def test_spent_form_tokens_older_than_a_month_are_forgotten(personas):
    old = CreateToken.objects.create(token="old", user=personas.officer_a)
    recent = CreateToken.objects.create(token="recent", user=personas.officer_a)
    CreateToken.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=TOKEN_KEPT_DAYS + 1)
    )
    assert forget_old_tokens(force=True) == 1
    assert list(CreateToken.objects.values_list("token", flat=True)) == [recent.token]
