"""Bulletin pages: the list, a new draft, the preview (a draft, computed now) or the frozen
bulletin (published), publishing, downloads, and what changed since publication. Thin:
reads through restrict(), writes through services."""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhaoshang.bulletins import documents, services
from zhaoshang.bulletins.choices import COMPARE
from zhaoshang.bulletins.filtersets import BulletinFilterSet
from zhaoshang.bulletins.forms import BulletinForm, HonourRuleForm
from zhaoshang.bulletins.models import Bulletin, HonourRule
from zhaoshang.core import generic
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.columns import Column, Columns, edit_delete_links, shown_text
from zhaoshang.core.export import XLSX_TYPE, attachment_response
from zhaoshang.core.models import AuditLog
from zhaoshang.core.views import paginate
from zhaoshang.core.views_jobs import follow_job

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bulletin_or_404(user, pk, action=Action.VIEW) -> Bulletin:
    return get_object_or_404(
        Bulletin.objects.restrict(user, action).select_related("scope", "created_by", "published_by"), pk=pk
    )


def _messages(error: ValidationError) -> str:
    return "；".join(error.messages)


def _bulletin_title(bulletin) -> str:
    return f'{escape(bulletin.title)}<div class="small text-secondary">{escape(bulletin.issuer)}</div>'


def _bulletin_status(bulletin) -> str:
    badge = f'<span class="badge bg-{bulletin.status_badge}-lt">{escape(bulletin.get_status_display())}</span>'
    if bulletin.published_at:
        badge += f'<div class="small text-secondary">{shown_text(bulletin.published_at)}</div>'
    return badge


def _bulletin_downloads(bulletin) -> str:
    word = reverse("bulletins:download", args=[bulletin.pk, "docx"])
    excel = reverse("bulletins:download", args=[bulletin.pk, "xlsx"])
    return (
        f'<a href="{word}"><i class="ti ti-file-word"></i> Word</a> · '
        f'<a href="{excel}"><i class="ti ti-file-spreadsheet"></i> Excel</a>'
    )


BULLETIN_COLUMNS = Columns(
    Bulletin,
    Column("title", html=_bulletin_title, link=True, required=True),
    Column("kind", css="text-nowrap"),
    Column("scope__name", label="范围", css="text-nowrap"),
    Column("issue_date", label="印发日期", css="text-nowrap"),
    Column("status", html=_bulletin_status),
    Column("issuer", default=False),
    Column("downloads", label="下载", html=_bulletin_downloads, css="text-nowrap", required=True),
    select=("published_by",),
)


class BulletinList(generic.ObjectListView):
    model, columns, filterset_class = Bulletin, BULLETIN_COLUMNS, BulletinFilterSet
    ordering, template_name, title = ("-year", "-month", "-id"), "bulletins/bulletin_list.html", "通报"
    list_url, detail_url, create_url, add_label = "bulletins:list", "bulletins:detail", "bulletins:create", "生成通报"

    def get_extra_context(self):
        if self.can(Action.ADD):
            return {"empty_title": "还没有通报。", "empty_hint": "点击“生成通报”选择统计期，预览后发布。"}
        return {"empty_title": "暂无已发布的通报。", "empty_hint": ""}


@login_required
def bulletin_create(request):
    if not Bulletin.access.allows(request.user, Action.ADD):
        raise Http404
    form = BulletinForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.create_draft(request.user, form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "通报草稿已生成，请预览后发布。")
            return redirect("bulletins:detail", bulletin.pk)
    return render(request, "bulletins/bulletin_form.html", {"form": form})


@login_required
def bulletin_detail(request, pk):
    """A draft is generated from today's data on every visit; a published bulletin is shown
    exactly as it was frozen."""
    bulletin = _bulletin_or_404(request.user, pk)
    if bulletin.is_published:
        content = bulletin.snapshot.content
        twin = None
    else:
        content = services.generate(bulletin, request.user).content
        twin = services.published_twin(bulletin)
    return render(
        request,
        "bulletins/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "content": content,
            "twin": twin,
            "can_publish": not bulletin.is_published and Bulletin.access.allows(request.user, Action.CHANGE),
            "can_compare": bulletin.is_published and Bulletin.access.allows(request.user, COMPARE),
        },
    )


@login_required
@require_POST
def bulletin_publish(request, pk):
    bulletin = _bulletin_or_404(request.user, pk, Action.CHANGE)
    # Generated and frozen by the job worker; the job page shows it, then the bulletin.
    return follow_job(request, services.enqueue_publish(request.user, bulletin))


@login_required
@require_POST
def bulletin_delete(request, pk):
    bulletin = _bulletin_or_404(request.user, pk, Action.DELETE)
    try:
        services.delete_draft(request.user, bulletin)
    except ValidationError as error:
        messages.error(request, _messages(error))
        return redirect("bulletins:detail", bulletin.pk)
    messages.success(request, "通报草稿已删除。")
    return redirect("bulletins:list")


@login_required
def bulletin_changes(request, pk):
    """Regenerate a published bulletin's period from today's data: every frozen figure
    that is different now."""
    if not Bulletin.access.allows(request.user, COMPARE):
        raise Http404
    bulletin = _bulletin_or_404(request.user, pk)
    if not bulletin.is_published:
        raise Http404
    changes = services.changes_since_publication(request.user, bulletin)
    return render(
        request,
        "bulletins/bulletin_changes.html",
        {"bulletin": bulletin, "changes": changes, "page": paginate(request, changes, 100)},
    )


@login_required
def bulletin_download(request, pk, fmt):
    """The published files as frozen; a draft's files made now (the bureau only: drafts
    are not in anyone else's restrict())."""
    if fmt not in ("docx", "xlsx"):
        raise Http404
    bulletin = _bulletin_or_404(request.user, pk, Action.EXPORT)
    if bulletin.is_published:
        stored = getattr(bulletin.snapshot, fmt)
        with stored.open("rb") as handle:
            data = handle.read()
    else:
        generated = services.generate(bulletin, request.user)
        if fmt == "docx":
            data = documents.render_docx(generated.content)
        else:
            data = documents.render_xlsx(generated.content, generated.result)
    draft = "" if bulletin.is_published else "（草稿）"
    AuditLog.record(AuditAction.EXPORT, bulletin, detail=f"下载通报{draft}：{bulletin.title}.{fmt}"[:500])
    return attachment_response(data, f"{bulletin.title}{draft}.{fmt}", DOCX_TYPE if fmt == "docx" else XLSX_TYPE)


# --- 红黑榜规则 -----------------------------------------------------------------------------


def _honour_rule_applies(rule) -> str:
    if rule.bulletin_id:
        return f"仅用于：{rule.bulletin.title}"
    return rule.get_bulletin_kind_display() or "各类通报"


def _honour_rule_basis(rule) -> str:
    if rule.indicator:
        return f"{rule.get_indicator_display()}年度目标完成率"
    from zhaoshang.bulletins.choices import BasicWorkCheck

    return "基础工作：" + "、".join(BasicWorkCheck(check).label for check in rule.checks)


HONOUR_RULE_COLUMNS = Columns(
    HonourRule,
    Column("name", required=True),
    Column("applies", label="适用于", value=_honour_rule_applies, select=("bulletin",), sort=False, required=True),
    Column("unit_type"),
    Column("basis", label="排名依据", value=_honour_rule_basis, sort=False),
    Column("top_n"),
    Column("bottom_n"),
    Column(
        "actions",
        label="操作",
        html=edit_delete_links("bulletins:honour_rule_edit", "bulletins:honour_rule_delete"),
        required=True,
        css="text-end",
    ),
)


class HonourRulePages:
    """The bureau's 红黑榜 rules; every field is on the list, so there is no detail page."""

    model = HonourRule
    list_url, create_url = "bulletins:honour_rule_list", "bulletins:honour_rule_create"
    edit_url, delete_url = "bulletins:honour_rule_edit", "bulletins:honour_rule_delete"


class HonourRuleList(HonourRulePages, generic.ObjectListView):
    columns, ordering, title = HONOUR_RULE_COLUMNS, ("sort_order", "id"), "红黑榜规则"
    empty_title = "尚未设置红黑榜：通报中不列红黑榜。"


class HonourRuleEdit(HonourRulePages, generic.ObjectEditView):
    form_class = HonourRuleForm

    def get_form_kwargs(self, obj) -> dict:
        return {"instance": obj, "user": self.request.user}


class HonourRuleDelete(HonourRulePages, generic.ObjectDeleteView):
    pass
