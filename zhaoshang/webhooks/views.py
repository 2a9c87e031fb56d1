"""事件推送: the subscriptions (generic pages), the secret shown once after a create, each
subscription's delivery log, and the two actions (发送测试事件, 重新发送). Thin: the work
is in services.py."""

from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.webhooks.forms import SubscriptionCreateForm, SubscriptionForm
from zhaoshang.webhooks.models import Delivery, Subscription
from zhaoshang.webhooks.services import (
    create_subscription,
    delete_subscription,
    resend,
    send_test_event,
    update_subscription,
)


def _csrf(context) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(context["csrf_token"])}">'


def _subscription_actions(subscription, context) -> str:
    test = reverse("webhooks:test", args=[subscription.pk])
    log = reverse("webhooks:deliveries", args=[subscription.pk])
    edit = reverse("webhooks:edit", args=[subscription.pk])
    delete = reverse("webhooks:delete", args=[subscription.pk])
    return (
        '<div class="btn-list flex-nowrap">'
        f'<form method="post" action="{test}">{_csrf(context)}'
        '<button class="btn btn-sm btn-outline-primary" type="submit" data-submit-once>发送测试事件</button></form>'
        f'<a class="btn btn-sm" href="{log}">推送记录</a>'
        f'<a class="btn btn-sm" href="{edit}">修改</a>'
        f'<a class="btn btn-sm btn-ghost-danger" href="{delete}">删除</a></div>'
    )


def _state(subscription) -> str:
    if subscription.active:
        return '<span class="badge bg-green-lt">启用</span>'
    return '<span class="badge bg-secondary-lt">停用</span>'


SUBSCRIPTION_COLUMNS = Columns(
    Subscription,
    Column("name", link=True, required=True),
    Column("unit__name", label="所属单位", value=lambda s: s.owner_label, sort="unit__path"),
    Column(
        "masked_url",
        label="推送地址",
        html=lambda s: f'<span class="font-monospace small text-break">{escape(s.masked_url)}</span>',
        value=lambda s: s.masked_url,
        sort=False,
    ),
    Column("event_types", label="订阅的事件", css="small", value=lambda s: "、".join(s.event_labels()), sort=False),
    Column("active", label="状态", html=_state),
    Column("created_at", default=False),
    Column("actions", label="操作", html=_subscription_actions, takes_context=True, required=True, sort=False),
)


class SubscriptionPages:
    model = Subscription
    list_url, detail_url, create_url = "webhooks:list", "webhooks:deliveries", "webhooks:create"
    edit_url, delete_url = "webhooks:edit", "webhooks:delete"


class SubscriptionList(SubscriptionPages, generic.ObjectListView):
    """The subscriptions the user manages: the bureau all, an officer their unit's."""

    columns, ordering, template_name = SUBSCRIPTION_COLUMNS, ("name", "id"), "webhooks/subscription_list.html"
    select_related = ("unit",)
    title, add_label, exportable = "事件推送", "新增订阅", False
    subtitle = "项目、审核、预警、问题、通报等事件发生时，平台以签名的 JSON 推送到您的系统。"
    empty_title = "还没有事件订阅"
    empty_hint = "新增订阅，填写接收地址并选择事件；创建后显示一次签名密钥。"

    def get_extra_context(self):
        return {"allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS}


class SubscriptionEdit(SubscriptionPages, generic.ObjectEditView):
    template_name, context_object_name = "webhooks/subscription_form.html", "subscription"
    title_create = "新增事件订阅"

    def get_form_class(self):
        return SubscriptionCreateForm if self.creating else SubscriptionForm

    def get_form_kwargs(self, subscription):
        return {"instance": subscription, "user": self.request.user}

    def save(self, form, subscription, expected_version):
        if expected_version is None:
            subscription, self.new_secret = create_subscription(self.request.user, form.save(commit=False))
            return subscription
        return update_subscription(self.request.user, form.save(commit=False), expected_version)

    def created_response(self, once):
        if once.created is None:  # another POST of this form made it: its secret was shown then
            return super().created_response(once)
        # The secret exists in this answer only: shown once, never cached.
        response = render(
            self.request,
            "webhooks/subscription_created.html",
            {"subscription": once.created, "secret": self.new_secret},
        )
        add_never_cache_headers(response)
        return response

    def success_message(self, subscription):
        return f"已保存事件订阅「{subscription.name}」。"

    def get_extra_context(self, form, subscription):
        return {"allowed_hosts": settings.WEBHOOK_ALLOWED_HOSTS}


class SubscriptionDelete(SubscriptionPages, generic.ObjectDeleteView):
    def delete(self, subscription):
        delete_subscription(self.request.user, subscription)

    def success_message(self, subscription):
        return f"已删除事件订阅「{subscription.name}」及其推送记录。"


def _delivery_status(delivery) -> str:
    return f'<span class="badge bg-{delivery.status_badge}-lt">{escape(delivery.get_status_display())}</span>'


def _delivery_actions(delivery, context) -> str:
    if not delivery.can_resend:
        return ""
    url = reverse("webhooks:resend", args=[delivery.pk])
    return (
        f'<form method="post" action="{url}">{_csrf(context)}'
        '<button class="btn btn-sm btn-outline-primary" type="submit" data-submit-once>重新发送</button></form>'
    )


DELIVERY_COLUMNS = Columns(
    Delivery,
    Column("created_at", label="时间", required=True),
    Column("event_type", label="事件", value=lambda d: d.event_label, sort=False),
    Column("event_id", css="font-monospace small", default=False),
    Column("status", html=_delivery_status, required=True),
    Column("attempts"),
    Column("last_status", label="HTTP 状态"),
    Column("last_error", css="small"),
    Column("next_attempt_at"),
    Column("delivered_at", default=False),
    Column("actions", label="操作", html=_delivery_actions, takes_context=True, required=True, sort=False),
)


class DeliveryLog(generic.ObjectListView):
    """推送记录 of one subscription, newest first; the subscription is read through
    restrict() first, so another unit's log is 404."""

    model = Delivery
    columns, ordering, exportable = DELIVERY_COLUMNS, ("-created_at", "-id"), False
    template_name = "webhooks/delivery_log.html"
    empty_title = "还没有推送记录"
    empty_hint = "订阅的事件发生后，或点击「发送测试事件」后，这里会列出每次推送。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subscription = get_object_or_404(
                Subscription.objects.restrict(request.user).select_related("unit"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return f"推送记录：{self.subscription.name}"

    def filter_queryset(self, queryset):
        return queryset.filter(subscription=self.subscription)

    def get_extra_context(self):
        return {"subscription": self.subscription}


@login_required
@require_POST
def subscription_test(request, pk):
    subscription = get_object_or_404(Subscription.objects.restrict(request.user, Action.CHANGE), pk=pk)
    send_test_event(request.user, subscription)  # queued, not sent here: the log shows the outcome
    messages.success(request, "已生成测试事件，正在推送；结果见推送记录。")
    return redirect("webhooks:deliveries", pk=subscription.pk)


@login_required
@require_POST
def delivery_resend(request, pk):
    delivery = get_object_or_404(Delivery.objects.restrict(request.user, Action.CHANGE), pk=pk)
    try:
        resend(request.user, delivery)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已重新排队推送，结果见推送记录。")
    return redirect("webhooks:deliveries", pk=delivery.subscription_id)
