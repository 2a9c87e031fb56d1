"""The phone pages (手机端): a stationed officer picks a trip and logs a visit with photos.

Made for a 375–390 px screen in DingTalk's or WeCom's browser. The form is sent by
static/js/field_visit.js, which keeps a draft in the browser while the network is down;
it asks for JSON (X-Requested-With), a plain form post (no script) gets pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from zhaoshang.core.choices import Action
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.once import ALREADY_SAVED, OneTimeTokenFormMixin, posted_token
from zhaoshang.fieldwork.choices import TripStatus, VisitResult
from zhaoshang.fieldwork.mobile import MAX_PHOTOS, log_visit
from zhaoshang.fieldwork.models import Trip, VisitPhoto
from zhaoshang.projects.attachments import download_name


class MobileVisitForm(OneTimeTokenFormMixin, StyledFormMixin, forms.Form):
    visited_name = forms.CharField(label="拜访对象（企业、商会或中介机构）", max_length=200)
    notes = forms.CharField(label="洽谈情况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.ChoiceField(label="成效", choices=VisitResult.choices, initial=VisitResult.NONE)


def _changeable_trips(user):
    return Trip.objects.restrict(user, Action.CHANGE).exclude(status=TripStatus.CANCELLED)


@login_required
def mobile_home(request):
    trips = list(_changeable_trips(request.user).select_related("organiser").order_by("-departure_on", "-id")[:30])
    return render(request, "fieldwork/mobile/home.html", {"trips": trips})


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _error_texts(error) -> list[str]:
    if hasattr(error, "message_dict"):
        return [text for texts in error.message_dict.values() for text in texts]
    return list(getattr(error, "messages", [str(error)]))


@login_required
def mobile_visit(request, pk):
    trip = get_object_or_404(_changeable_trips(request.user).select_related("organiser"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        form = MobileVisitForm(request.POST)
        if form.is_valid():
            try:
                once = log_visit(
                    request.user,
                    trip,
                    visited_name=form.cleaned_data["visited_name"],
                    notes=form.cleaned_data["notes"],
                    result=form.cleaned_data["result"],
                    photos=request.FILES.getlist("photos"),
                    token=posted_token(request),
                )
            except (ValidationError, PermissionDenied) as error:
                errors = _error_texts(error)
            else:
                text = ALREADY_SAVED if once.created is None else f"已提交拜访记录「{once.created}」。"
                (messages.info if once.created is None else messages.success)(request, text)
                if _wants_json(request):
                    return JsonResponse(
                        {"ok": True, "url": once.url, "message": text, "repeated": once.created is None}
                    )
                return redirect(once.url)
        else:
            errors = [text for texts in form.errors.values() for text in texts]
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": errors}, status=400)
    else:
        form = MobileVisitForm()
    visits = list(trip.visits.prefetch_related("photos").order_by("-id")[:20])
    return render(
        request,
        "fieldwork/mobile/visit.html",
        {"trip": trip, "form": form, "errors": errors, "visits": visits, "max_photos": MAX_PHOTOS},
    )


@login_required
def visit_photo(request, pk):
    photo = get_object_or_404(VisitPhoto.objects.restrict(request.user), pk=pk)
    response = FileResponse(
        photo.file.open("rb"),
        as_attachment=False,
        filename=download_name(photo.original_name, photo.content_type),
        content_type=photo.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
