"""Logging a trip's visit from a phone, by persona: the officer of the organising town logs
the firm, notes, result and photos once, however many times the phone resends; a file
that is no photo is refused with nothing saved; another town reaches nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.fieldwork.models import TripVisit, VisitPhoto
from zhaoshang.fieldwork.tests.factories import trip

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def photo(name="现场.jpg", data=JPEG):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def data(token="a" * 32, **extra):
    return {"visited_name": "深圳市华芯电子有限公司", "notes": "拟新设基地", "result": "lead", "token": token, **extra}


def test_the_officer_logs_a_visit_with_photos_once_however_often_the_phone_resends(personas, client_for):
    mine = trip(personas.town_a, title="镇长")
    client = client_for(personas.officer_a)
    url = reverse("fieldwork:mobile_visit", args=[mine.pk])
    page = client.get(url).content.decode()
    assert 'data-offline-draft="visit-' in page and "js/field_visit.js" in page and 'name="token"' in page
    first = client.post(url, data(photos=[photo(), photo("门牌.jpg")]), **XHR)
    assert first.status_code == 200 and first.json()["ok"] and not first.json()["repeated"]
    again = client.post(url, data(photos=[photo()]), **XHR)
    assert again.json() == {**again.json(), "ok": True, "repeated": True}
    visit = TripVisit.objects.get()
    assert (visit.visited_name, visit.result) == ("深圳市华芯电子有限公司", "lead")
    assert visit.photos.count() == 2
    served = client.get(reverse("fieldwork:visit_photo", args=[visit.photos.first().pk]))
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert "照片1" in client.get(reverse("fieldwork:trip_detail", args=[mine.pk])).content.decode()


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_saved(personas, client_for):
    mine = trip(personas.town_a, title="镇长")
    client = client_for(personas.officer_a)
    url = reverse("fieldwork:mobile_visit", args=[mine.pk])
    pdf = SimpleUploadedFile("名片.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    response = client.post(url, data(photos=[pdf]), **XHR)
    assert response.status_code == 400 and "不是照片" in response.json()["errors"][0]
    disguised = client.post(url, data(token="b" * 32, photos=[photo("现场.png")]), **XHR)
    assert "扩展名与内容不符" in disguised.json()["errors"][0]
    assert not TripVisit.objects.exists() and not VisitPhoto.objects.exists()
    # The same token may be sent again once the problem is fixed: nothing was spent.
    assert client.post(url, data(photos=[photo()]), **XHR).json()["ok"]


def test_a_visit_without_its_firm_is_refused_in_chinese(personas, client_for):
    mine = trip(personas.town_a, title="镇长")
    response = client_for(personas.officer_a).post(
        reverse("fieldwork:mobile_visit", args=[mine.pk]), data(visited_name=""), **XHR
    )
    assert response.status_code == 400 and response.json()["errors"] == ["请填写拜访对象。"]


def test_the_phone_start_lists_the_officers_trips_only(personas, client_for):
    trip(personas.town_a, title="镇长", destination="深圳")
    trip(personas.town_b, title="镇长", destination="宁波")
    page = client_for(personas.officer_a).get(reverse("fieldwork:mobile_home")).content.decode()
    assert "赴深圳" in page and "赴宁波" not in page


def test_deleting_the_visit_removes_its_photo_files(personas, client_for, django_capture_on_commit_callbacks):
    mine = trip(personas.town_a, title="镇长")
    client = client_for(personas.officer_a)
    client.post(reverse("fieldwork:mobile_visit", args=[mine.pk]), data(photos=[photo()]), **XHR)
    stored = VisitPhoto.objects.get()
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        TripVisit.objects.get().delete()
    assert not storage.exists(name)
