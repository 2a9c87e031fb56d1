"""The bell, the inbox, a person's preferences, and the units' group robots with their
outbox. Thin: reads through restrict(), writes through services."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.notifications.choices import Channel, DeliveryStatus
from zhaoshang.notifications.filtersets import DeliveryFilterSet, NotificationFilterSet
from zhaoshang.notifications.forms import PreferencesForm, UnitWebhookForm
from zhaoshang.notifications.models import Delivery, Notification, UnitWebhook
from zhaoshang.notifications.services import (
    delete_webhook,
    delivery_health,
    mark_read,
    preferences_for,
    retry,
    save_preferences,
    save_webhook,
    send_test_message,
    unread_count,
)
from zhaoshang.notifications.webhooks import DeliveryError

PAGE = 30
DROPDOWN_LATEST = 8


def background_poll(view):
    """For the bell's once-a-minute refresh, which is not the user doing anything:

    - it must not extend the session: sessions slide with the user's requests
      (SlidingSessionMiddleware), and a poll would keep an idle session alive forever
      against the 30-minute idle limit. Removing the session from the request after the
      view makes the session middlewares leave the session and its cookie alone;
    - when the session has ended, htmx is told to load the login page instead of pasting
      it into the bell."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        response = never_cache(view)(request, *args, **kwargs)
        del request.session
        return response

    return wrapped


@background_poll
def bell(request):
    """The unread count under the bell (htmx, every minute): one indexed count."""
    return render(request, "notifications/_bell.html#bell-count", {"unread": unread_count(request.user)})


@login_required
@never_cache
def dropdown(request):
    """The latest notifications, loaded when the bell is opened."""
    latest = list(Notification.objects.restrict(request.user).select_related("unit")[:DROPDOWN_LATEST])
    return render(
        request,
        "notifications/_bell.html#bell-menu",
        {"latest": latest, "unread": unread_count(request.user)},
    )


@login_required
def notification_list(request):
    base = Notification.objects.restrict(request.user)
    filterset = NotificationFilterSet(request.GET or None, queryset=base)
    rows = filterset.qs.select_related("unit").order_by("-created_at", "-id")
    context = {
        "filterset": filterset,
        "page": paginate(request, rows, PAGE),
        "qs": querystring_without_page(request),
        "unread": unread_count(request.user),
    }
    template = "notifications/notification_list.html#inbox" if request.htmx else "notifications/notification_list.html"
    return render(request, template, context)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read."""
    notification = get_object_or_404(Notification.objects.restrict(request.user), pk=pk)
    mark_read(request.user, [notification.pk])
    return redirect(notification.url or reverse("notifications:list"))


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.restrict(request.user, Action.CHANGE), pk=pk)
    mark_read(request.user, [notification.pk])
    return redirect(_safe_next(request, reverse("notifications:list")))


@login_required
@require_POST
def notification_mark_all_read(request):
    count = mark_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect(_safe_next(request, reverse("notifications:list")))


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        changed = save_preferences(request.user, form.wanted())
        messages.success(request, f"通知设置已保存（{changed} 项有变化）。" if changed else "通知设置没有变化。")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "channels": list(Channel),
            "email_enabled": settings.NOTIFY_EMAIL,
        },
    )


# --- Group robots and the outbox (the bureau; the system admin sees the outbox's health) ----------------------------------------------


def _require_settings(user, model=UnitWebhook):
    if not model.access.allows(user, Action.VIEW):
        raise Http404


def _webhook_or_404(user, pk) -> UnitWebhook:
    _require_settings(user)
    return get_object_or_404(UnitWebhook.objects.restrict(user, Action.CHANGE).select_related("unit"), pk=pk)


@login_required
def webhook_list(request):
    _require_settings(request.user)
    webhooks = UnitWebhook.objects.restrict(request.user).select_related("unit")
    return render(
        request,
        "notifications/webhook_list.html",
        {"webhooks": webhooks, "allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS},
    )


def _webhook_form(request, webhook: UnitWebhook | None):
    form = UnitWebhookForm(request.POST or None, instance=webhook, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_webhook(request.user, form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)  # its keys are the form's fields
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已保存群机器人「{saved.name}」。可点击「发送测试消息」检查是否接通。")
            return redirect("notifications:webhook_list")
    return render(
        request,
        "notifications/webhook_form.html",
        {"form": form, "webhook": webhook, "allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS},
    )


@login_required
def webhook_create(request):
    _require_settings(request.user)
    return _webhook_form(request, None)


@login_required
def webhook_edit(request, pk):
    return _webhook_form(request, _webhook_or_404(request.user, pk))


@login_required
@require_POST
def webhook_delete(request, pk):
    webhook = _webhook_or_404(request.user, pk)
    delete_webhook(request.user, webhook)
    messages.success(request, f"已删除群机器人「{webhook.name}」。")
    return redirect("notifications:webhook_list")


@login_required
@require_POST
def webhook_test(request, pk):
    """发送测试消息: posted now, the answer shown at once."""
    webhook = _webhook_or_404(request.user, pk)
    try:
        send_test_message(request.user, webhook)
    except DeliveryError as error:
        messages.error(request, f"测试消息发送失败：{error}")
    else:
        messages.success(request, f"测试消息已发送到「{webhook.name}」，请在群里查看。")
    return redirect("notifications:webhook_list")


@login_required
def delivery_list(request):
    _require_settings(request.user, Delivery)
    base = Delivery.objects.restrict(request.user)
    filterset = DeliveryFilterSet(request.GET or None, queryset=base)
    rows = filterset.qs.select_related("recipient", "webhook", "webhook__unit").order_by("-created_at", "-id")
    return render(
        request,
        "notifications/delivery_list.html",
        {"filterset": filterset, "page": paginate(request, rows, 50), "qs": querystring_without_page(request)},
    )


@login_required
@require_POST
def delivery_retry(request, pk):
    _require_settings(request.user, Delivery)
    delivery = get_object_or_404(
        Delivery.objects.restrict(request.user, Action.CHANGE).exclude(status=DeliveryStatus.SENT), pk=pk
    )
    retry(request.user, delivery)
    messages.success(request, "已重新排队，稍后由发送任务发送。")
    return redirect(_safe_next(request, reverse("notifications:delivery_list")))


@login_required
def delivery_health_page(request):
    """发送状况: the outbox in numbers, for the system admin (and the bureau) — no contents."""
    if not Delivery.access.allows(request.user, Action.MONITOR):
        raise Http404
    return render(request, "notifications/delivery_health.html", {"health": delivery_health(request.user)})
