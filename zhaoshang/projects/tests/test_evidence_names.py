"""Evidence is kept only under a name that fits its content: a PDF polyglot named
报告.html (or an .svg, a .js) is refused at upload, and a file stored earlier under such
a name is served as a download with the name its content deserves."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects.attachments import save_attachment
from zhaoshang.projects.models import Attachment
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize("name", ["报告.html", "报告.svg", "报告.js", "报告.htm", "报告"])
def test_a_pdf_under_a_web_page_name_is_refused_in_chinese(personas, name):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(ValidationError) as refused:
        save_attachment(personas.officer_a, p, SimpleUploadedFile(name, POLYGLOT))
    assert "扩展名与内容不符：内容是PDF" in refused.value.messages[0]
    assert Attachment.objects.count() == 0


def test_a_word_file_keeps_its_name(personas):
    p = project(personas.officer_a, personas.town_a)
    stored = save_attachment(personas.officer_a, p, SimpleUploadedFile("协议.DOCX", b"PK\x03\x04 word"))
    assert stored.original_name == "协议.DOCX"


def test_a_file_stored_earlier_as_html_is_downloaded_as_a_pdf(personas, client_for):
    p = project(personas.officer_a, personas.town_a)
    stored = save_attachment(personas.officer_a, p, SimpleUploadedFile("报告.pdf", POLYGLOT))
    stored.original_name = "报告.html"  # as kept before names were checked
    stored.save()
    response = client_for(personas.officer_a).get(reverse("projects:attachment_download", args=[stored.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and quote("报告.pdf") in disposition and "html" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
