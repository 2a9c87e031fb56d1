"""Object URLs of the projects app, for the generic scope check (zhaoshang/testing.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.testing import ScopeCheck


def town_b_project(personas):
    from zhaoshang.projects.tests.factories import project

    return project(personas.officer_b, personas.town_b, name="河口镇的项目")


def town_b_attachment(personas):
    from zhaoshang.projects.attachments import save_attachment

    project = town_b_project(personas)
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    return {"pk": save_attachment(personas.officer_b, project, upload).pk}


SCOPE_CHECKS = [
    ScopeCheck("projects:detail", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("projects:edit", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("projects:credits", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("projects:withdraw", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("projects:attachment_download", town_b_attachment),
]

# POST-only or bureau-only URLs: an officer never reaches them for another town's object.
ADMIN_ONLY_URLS = [
    "projects:advance",
    "projects:follow_up_add",
    "projects:merge",
    "projects:event_verify",
    "projects:event_return",
]
