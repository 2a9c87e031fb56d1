"""Logging a trip's visit from a phone: the visit and its photos in one transaction, sent
once. The page keeps a draft in the browser while the signal is gone and sends it when it
returns (static/js/field_visit.js); the form's one-time token (core.once) makes a resend
of the same draft — the network came back twice, the officer tapped again — open the visit
already saved instead of making a second one."""

import hashlib

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.once import create_once
from zhaoshang.fieldwork.models import Trip, TripVisit, VisitPhoto
from zhaoshang.fieldwork.services import save_visit
from zhaoshang.projects.attachments import check_upload

PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS = 6


def check_photos(files) -> list:
    """The uploads as photos: each sniffed and size-checked as any evidence, then only JPEG
    or PNG (a phone's camera gives one of them)."""
    if len(files) > MAX_PHOTOS:
        raise ValidationError(f"每条拜访最多上传{MAX_PHOTOS}张照片。")
    checked = []
    for uploaded in files:
        content_type = check_upload(uploaded)
        if content_type not in PHOTO_TYPES:
            raise ValidationError(f"文件「{uploaded.name}」不是照片：请上传 JPEG 或 PNG 图片。")
        checked.append((uploaded, content_type))
    return checked


def _visit_day(trip: Trip):
    """Today, when it falls within the trip (the officer is on it); else no date."""
    today = timezone.localdate()
    if trip.departure_on <= today <= (trip.return_on or trip.departure_on):
        return today
    return None


def log_visit(user, trip: Trip, *, visited_name: str, notes: str, result: str, photos, token: str):
    """Save the visit and its photos, once per token (``core.once.Once``: ``created`` is None
    when this token had already saved a visit)."""
    checked = check_photos(photos)

    def create():
        visit = save_visit(
            user, TripVisit(trip=trip, visited_name=visited_name, notes=notes, result=result, date=_visit_day(trip))
        )
        for uploaded, content_type in checked:
            digest = hashlib.sha256()
            for chunk in uploaded.chunks():
                digest.update(chunk)
            uploaded.seek(0)
            photo = VisitPhoto(
                visit=visit,
                original_name=uploaded.name[:200],
                content_type=content_type,
                size=uploaded.size,
                sha256=digest.hexdigest(),
                uploaded_by=user,
                uploaded_at=timezone.now(),
            )
            photo.file.save("photo", uploaded, save=False)
            photo.save()
        return visit

    return create_once(user, token, create, lambda visit: reverse("fieldwork:mobile_visit", args=[visit.trip_id]))
