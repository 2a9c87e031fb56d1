"""The bell, the inbox, a person's preferences, and the units' group robots with their
outbox. Thin: reads through restrict(), writes through services."""

from functools import wraps
from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
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


def _webhook_or_404(user, pk) -> UnitWebhook:  # the test button; the rest are generic pages
    _require_settings(user)
    return get_object_or_404(UnitWebhook.objects.restrict(user, Action.CHANGE).select_related("unit"), pk=pk)


def _masked(text: str) -> str:
    return f'<span class="font-monospace small text-break">{escape(text)}</span>' if text else "—"


def _webhook_actions(webhook, context) -> str:
    token = escape(context["csrf_token"])
    test = reverse("notifications:webhook_test", args=[webhook.pk])
    edit = reverse("notifications:webhook_edit", args=[webhook.pk])
    delete = reverse("notifications:webhook_delete", args=[webhook.pk])
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    return (
        '<div class="btn-list flex-nowrap">'
        f'<form method="post" action="{test}">{csrf}'
        '<button class="btn btn-sm btn-outline-primary" type="submit" data-submit-once>发送测试消息</button></form>'
        f'<a class="btn btn-sm" href="{edit}">修改</a>'
        f'<form method="post" action="{delete}" data-confirm="确定删除该群机器人？">{csrf}'
        '<button class="btn btn-sm btn-ghost-danger" type="submit">删除</button></form></div>'
    )


WEBHOOK_COLUMNS = Columns(
    UnitWebhook,
    Column("unit__name", label="单位", required=True, sort="unit__path"),
    Column("name", required=True),
    Column("kind", css="text-nowrap"),
    Column("masked_url", label="地址", html=lambda hook: _masked(hook.masked_url), value=lambda h: h.masked_url),
    Column(
        "masked_secret",
        label="加签",
        html=lambda hook: _masked(hook.masked_secret),
        value=lambda h: h.masked_secret(),
    ),
    Column("kinds", label="推送", css="small", value=lambda hook: hook.kind_labels()),
    Column(
        "enabled",
        label="状态",
        html=lambda hook: (
            '<span class="badge bg-green-lt">启用</span>'
            if hook.enabled
            else '<span class="badge bg-secondary-lt">停用</span>'
        ),
    ),
    Column("actions", label="操作", html=_webhook_actions, takes_context=True, required=True, css="text-nowrap"),
)


class WebhookPages:
    model = UnitWebhook
    list_url, edit_url, delete_url, create_url = (
        "notifications:webhook_list",
        "notifications:webhook_edit",
        "notifications:webhook_delete",
        "notifications:webhook_create",
    )


class WebhookList(WebhookPages, generic.ObjectListView):
    """群机器人: the bureau's robots per unit. Addresses and secrets are shown masked only."""

    columns, ordering, template_name = WEBHOOK_COLUMNS, ("unit__path", "name", "id"), "notifications/webhook_list.html"
    title, add_label, exportable = "群机器人", "添加群机器人", False
    subtitle = (
        "涉及某单位的消息（预警、交办、审核退回等）同时推送到该单位的钉钉或企业微信群。地址和密钥只保存、不回显。"
    )
    empty_title = "还没有设置群机器人"
    empty_hint = "在钉钉群「设置 → 机器人 → 添加机器人 → 自定义」或企业微信群「添加群机器人」中取得 Webhook 地址，然后在这里添加。"

    def get_extra_context(self):
        return {"allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS}


class WebhookEdit(WebhookPages, generic.ObjectEditView):
    form_class, template_name, context_object_name = UnitWebhookForm, "notifications/webhook_form.html", "webhook"

    def get_form_kwargs(self, webhook):
        return {"instance": webhook, "user": self.request.user}

    def save(self, form, webhook, expected_version):
        return save_webhook(self.request.user, form.save(commit=False))

    def success_message(self, webhook):
        return f"已保存群机器人「{webhook.name}」。可点击「发送测试消息」检查是否接通。"

    def get_extra_context(self, form, webhook):
        return {"allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS}


class WebhookDelete(WebhookPages, generic.ObjectDeleteView):
    def delete(self, webhook):
        delete_webhook(self.request.user, webhook)

    def success_message(self, webhook):
        return f"已删除群机器人「{webhook.name}」。"


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
