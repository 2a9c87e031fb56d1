import datetime
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns, edit_delete_links
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.reference.forms import CalendarYearForm, HolidayForm, OriginGroupForm, holiday_from
from zhaoshang.reference.models import CalendarYear, Division, Holiday, Industry, OriginGroup


def _require_view(model, user):
    if not model.access.allows(user, Action.VIEW):
        raise Http404


WEEKDAYS = "一二三四五六日"


def _holiday_kind(day) -> str:
    colour = "bg-red-lt" if day.kind == "holiday" else "bg-blue-lt"
    return f'<span class="badge {colour}">{escape(day.get_kind_display())}</span>'


def _holiday_delete_button(day, context) -> str:
    iso = day.date.isoformat()
    action = reverse("reference:holiday_delete", args=[iso])
    return (
        f'<form method="post" action="{action}" data-confirm="确定删除 {iso}？">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(context["csrf_token"])}">'
        '<button class="btn btn-sm btn-ghost-danger" type="submit">删除</button></form>'
    )


HOLIDAY_COLUMNS = Columns(
    Holiday,
    Column("date", required=True, html=lambda day: f"{day.date.year}年{day.date.month}月{day.date.day}日"),
    Column("weekday", label="星期", value=lambda day: f"星期{WEEKDAYS[day.date.weekday()]}", required=True),
    Column("kind", html=_holiday_kind, required=True),
    Column("name", required=True),
    Column("actions", label="操作", html=_holiday_delete_button, takes_context=True, required=True, css="text-end"),
)


class HolidayList(generic.ObjectListView):
    """节假日与调休: one year's days (?year=, this year by default) beside the list of years."""

    model, columns, ordering, per_page = Holiday, HOLIDAY_COLUMNS, ("date",), 400
    template_name, title = "reference/holiday_list.html", "节假日与调休"
    empty_title = "该年度尚未录入任何节假日或调休上班日。"
    empty_hint = ""

    @cached_property
    def year(self) -> int:
        try:
            return int(self.request.GET.get("year") or datetime.date.today().year)
        except ValueError:
            return datetime.date.today().year

    def filter_queryset(self, queryset):
        return queryset.filter(date__year=self.year)

    def chosen_columns(self):
        chosen = super().chosen_columns()
        return chosen if self.can(Action.CHANGE) else [column for column in chosen if column.name != "actions"]

    def get_extra_context(self):
        user, year = self.request.user, self.year
        counts = dict(
            Holiday.objects.restrict(user)
            .values_list("date__year")
            .annotate(n=Count("pk"))
            .values_list("date__year", "n")
        )
        return {
            "years": [(entry, counts.get(entry.year, 0)) for entry in CalendarYear.objects.restrict(user)],
            "year": year,
            "year_known": CalendarYear.objects.filter(year=year).exists(),
            "can_change": self.can(Action.CHANGE),
            "holiday_form": HolidayForm(initial={"date": datetime.date(year, 1, 1)}),
            "year_form": CalendarYearForm(initial={"year": year + 1}),
        }


def _year_url(year: int) -> str:
    return f"{reverse('reference:holiday_list')}?year={year}"


def _require_change(user):
    if not Holiday.access.allows(user, Action.CHANGE):
        raise Http404


@login_required
@require_POST
def calendar_year_add(request):
    _require_change(request.user)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        form.save()
        messages.success(request, f"已添加{form.cleaned_data['year']}年度，请录入该年的节假日和调休上班日。")
        return redirect(_year_url(form.cleaned_data["year"]))
    messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
    return redirect("reference:holiday_list")


@login_required
@require_POST
def holiday_save(request):
    _require_change(request.user)
    form = HolidayForm(request.POST)
    if form.is_valid():
        holiday = holiday_from(form)
        holiday.save()
        messages.success(request, f"已保存：{holiday}")
        return redirect(_year_url(holiday.date.year))
    messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
    return redirect("reference:holiday_list")


class HolidayDelete(generic.ObjectDeleteView):
    """A day of the calendar, named in the URL by its date (2026-01-01)."""

    model, list_url = Holiday, "reference:holiday_list"

    def get_object(self, action=None):
        try:
            day = datetime.date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise Http404 from None
        return get_object_or_404(self.get_queryset(action), date=day)

    def success_message(self, holiday):
        return f"已删除 {holiday.date:%Y-%m-%d}。"

    def success_url(self, holiday):
        return _year_url(holiday.date.year)


@login_required
def division_list(request):
    _require_view(Division, request.user)
    divisions = Division.objects.restrict(request.user).select_related("parent")
    query = request.GET.get("q", "").strip()
    parent_code = request.GET.get("parent", "").strip()
    parent = None
    if query:
        divisions = divisions.filter(Q(name__contains=query) | Q(code__startswith=query))
    elif parent_code:
        parent = Division.objects.filter(code=parent_code).first()
        divisions = divisions.filter(parent=parent) if parent else divisions.none()
    else:
        divisions = divisions.filter(level=1)
    trail = []
    node = parent
    while node is not None:
        trail.insert(0, node)
        node = node.parent
    return render(
        request,
        "reference/division_list.html",
        {
            "page": paginate(request, divisions, 50),
            "query": query,
            "parent": parent,
            "trail": trail,
            "qs": querystring_without_page(request),
        },
    )


@login_required
def industry_list(request):
    _require_view(Industry, request.user)
    sections = Industry.objects.restrict(request.user).filter(level=1).prefetch_related("children")
    return render(request, "reference/industry_list.html", {"industry_sections": sections})


# --- 客商来源分组 -------------------------------------------------------------------------


ORIGIN_GROUP_COLUMNS = Columns(
    OriginGroup,
    Column("name", required=True),
    Column("provinces", label="包含的省级地区", value=lambda group: group.provinces_text, sort=False, required=True),
    Column("sort_order"),
    Column(
        "actions",
        label="操作",
        html=edit_delete_links("reference:origin_group_edit", "reference:origin_group_delete"),
        required=True,
        css="text-end",
    ),
)


class OriginGroupPages:
    """The bureau's 客商来源分组 (沪苏浙 …): list, edit and delete; everything a group has is
    on the list, so there is no detail page (a reader of the dictionary needs none)."""

    model = OriginGroup
    list_url, create_url = "reference:origin_group_list", "reference:origin_group_create"
    edit_url, delete_url = "reference:origin_group_edit", "reference:origin_group_delete"


class OriginGroupList(OriginGroupPages, generic.ObjectListView):
    columns, ordering, title = ORIGIN_GROUP_COLUMNS, ("sort_order", "name"), "客商来源分组"
    empty_title = "尚未设置客商来源分组。"

    def chosen_columns(self):
        chosen = super().chosen_columns()
        return chosen if self.can(Action.CHANGE) else [column for column in chosen if column.name != "actions"]


class OriginGroupEdit(OriginGroupPages, generic.ObjectEditView):
    form_class = OriginGroupForm


class OriginGroupDelete(OriginGroupPages, generic.ObjectDeleteView):
    pass
