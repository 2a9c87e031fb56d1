"""The bureau's review queue (待审核): the list with its filters and waiting times, the
evidence of a claim shown in place, and decisions on one claim or a batch. Thin: reads
through restrict(), decisions through ``review.services.decide``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.core.verification import model_for_kind
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.projects.models import Attachment
from zhaoshang.review import services
from zhaoshang.review.forms import ReviewFilterForm

PAGE = 50
BATCH_MAX = 200  # a few pages of the queue; each claim is its own transaction
# Shown in the page itself; anything else is offered as a download through the projects app.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def _action_or_404(user) -> str:
    action = services.queue_action(user)
    if action is None:
        raise Http404  # an officer is not told the queue exists
    return action


@login_required
def queue(request):
    action = _action_or_404(request.user)
    form = ReviewFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and form.errors:
        filters = None  # a bad filter shows its message and no rows, never everything
    now = timezone.now()
    querysets = services.waiting_querysets(request.user, action, filters, now) if filters is not None else []
    page = paginate(request, services.queue_rows(querysets), PAGE)
    context = {
        "form": form,
        "page": page,
        "items": services.hydrate(page.object_list, now),
        "by_unit": services.waiting_by_unit(querysets, now),
        "qs": querystring_without_page(request),
        "can_decide": action == Action.VERIFY,
        "filtered": filters is None or any(value not in (None, "") for value in filters.values()),
    }
    template = "review/queue.html#queue-table" if request.htmx else "review/queue.html"
    return render(request, template, context)


@login_required
def evidence(request, kind, pk):
    """htmx: a claim's evidence, images and PDFs shown inline, other files as downloads."""
    action = _action_or_404(request.user)
    model = model_for_kind(kind)
    record = get_object_or_404(model.objects.restrict(request.user, action), pk=pk)
    files = [
        {"attachment": attachment, "inline": attachment.content_type in INLINE_TYPES}
        for attachment in record.evidence_files()
    ]
    return render(request, "review/_evidence.html", {"record": record, "files": files})


@login_required
@xframe_options_sameorigin  # the queue embeds a PDF from its own site; other sites still may not
def attachment_inline(request, pk):
    """An image or PDF shown inside the queue. Other types are refused here and served
    as downloads by ``projects:attachment_download``."""
    _action_or_404(request.user)
    attachment = get_object_or_404(
        Attachment.objects.restrict(request.user).filter(content_type__in=INLINE_TYPES), pk=pk
    )
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def decide(request):
    """审核通过 / 退回 one claim or the ticked ones; each reported on its own."""
    if services.queue_action(request.user) != Action.VERIFY:
        raise Http404
    keys = [key for key in request.POST.getlist("items") if key]
    decision = request.POST.get("decision", "")
    if not keys:
        messages.error(request, "请先勾选要审核的填报。")
    elif len(keys) > BATCH_MAX:
        messages.error(request, f"一次最多审核 {BATCH_MAX} 条（本次勾选了 {len(keys)} 条），未做任何处理。")
    else:
        try:
            outcomes = services.decide(request.user, keys, decision, request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            done = sum(outcome.done for outcome in outcomes)
            verb = "审核通过" if decision == "verify" else "退回"
            summary = (
                f"{verb} {done} 条" + (f"，{len(outcomes) - done} 条未处理" if done < len(outcomes) else "") + "。"
            )
            for outcome in outcomes:
                text = f"{outcome.subject or outcome.key}：{outcome.message}"
                (messages.success if outcome.done else messages.error)(request, text)
            messages.info(request, summary)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("review:queue")
