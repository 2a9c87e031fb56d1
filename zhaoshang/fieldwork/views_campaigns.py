"""招商活动 pages beyond the generic ones: the units' tasks, taking a signing back, and the
post-campaign review (活动后评估) with its publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.fieldwork.choices import CampaignStatus
from zhaoshang.fieldwork.models import Campaign, CampaignReview, CampaignSigning
from zhaoshang.fieldwork.review import FIGURE_LABELS, campaign_review, compare, publish_review
from zhaoshang.fieldwork.services import remove_signing, set_tasks


def _messages_of(error) -> list[str]:
    if hasattr(error, "message_dict"):
        return [text for texts in error.message_dict.values() for text in texts]
    return list(getattr(error, "messages", [str(error)]))


@login_required
def campaign_tasks(request, pk):
    """责任单位任务: one line per responsible unit, set by the organiser's side."""
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, Action.CHANGE), pk=pk)
    links = list(campaign.unit_links.select_related("unit").order_by("unit__path"))
    errors = {}
    if request.method == "POST":
        tasks = {link.unit_id: request.POST.get(f"task_{link.unit_id}", "") for link in links}
        try:
            changed = set_tasks(request.user, campaign, tasks)
        except (ValidationError, PermissionDenied) as error:
            errors = getattr(error, "message_dict", {"": _messages_of(error)})
            for link in links:
                link.task = tasks[link.unit_id]
        else:
            messages.success(request, f"已保存责任单位任务（{changed}项有变化）。")
            return redirect("fieldwork:campaign_detail", pk=campaign.pk)
    rows = [(link, (errors.get(f"task_{link.unit_id}") or [""])[0]) for link in links]
    return render(
        request,
        "fieldwork/review/tasks.html",
        {"campaign": campaign, "rows": rows, "errors": errors.get("", []), "max_length": 200},
    )


@require_POST
@login_required
def campaign_signing_remove(request, pk):
    """移除签约项目: the project no longer counts for the campaign (it stays signed)."""
    signing = get_object_or_404(
        CampaignSigning.objects.restrict(request.user, Action.DELETE).select_related("project"), pk=pk
    )
    campaign_id = signing.campaign_id
    try:
        remove_signing(request.user, signing)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已将项目「{signing.project.name}」移出本活动的签约项目。")
    return redirect("fieldwork:campaign_detail", pk=campaign_id)


@login_required
def campaign_review_page(request, pk):
    """活动后评估: today's figures; once published, the frozen ones and what changed since."""
    campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)
    published = CampaignReview.objects.filter(campaign=campaign).select_related("published_by").first()
    current = campaign_review(campaign)
    shown = published.numbers if published else current
    can_change = Campaign.objects.restrict(request.user, Action.CHANGE).filter(pk=campaign.pk).exists()
    return render(
        request,
        "fieldwork/review/review.html",
        {
            "campaign": campaign,
            "published": published,
            "shown": shown,
            "cards": [(key, label, shown["totals"].get(key, "—")) for key, label in FIGURE_LABELS.items()],
            "changes": compare(published.numbers, current) if published else [],
            "can_publish": can_change and published is None and campaign.status == CampaignStatus.HELD,
            "not_held": published is None and campaign.status != CampaignStatus.HELD,
        },
    )


@require_POST
@login_required
def campaign_review_publish(request, pk):
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, Action.CHANGE), pk=pk)
    try:
        review = publish_review(request.user, campaign)
    except (ValidationError, PermissionDenied) as error:
        for text in _messages_of(error):
            messages.error(request, text)
    else:
        messages.success(request, f"活动后评估已发布，数据冻结于{review.as_of:%Y年%m月%d日}。")
    return redirect("fieldwork:campaign_review", pk=campaign.pk)
