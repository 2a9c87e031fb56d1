import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.reference.forms import CalendarYearForm, HolidayForm, holiday_from
from zhaoshang.reference.models import CalendarYear, Division, Holiday, Industry


def _require_view(model, user):
    if not model.access.allows(user, Action.VIEW):
        raise Http404


@login_required
def holiday_list(request):
    _require_view(Holiday, request.user)
    counts = dict(
        Holiday.objects.restrict(request.user)
        .values_list("date__year")
        .annotate(n=Count("pk"))
        .values_list("date__year", "n")
    )
    years = [(entry, counts.get(entry.year, 0)) for entry in CalendarYear.objects.restrict(request.user)]
    try:
        year = int(request.GET.get("year") or datetime.date.today().year)
    except ValueError:
        year = datetime.date.today().year
    days = Holiday.objects.restrict(request.user).filter(date__year=year)
    can_change = Holiday.access.allows(request.user, Action.CHANGE)
    return render(
        request,
        "reference/holiday_list.html",
        {
            "years": years,
            "year": year,
            "year_known": CalendarYear.objects.filter(year=year).exists(),
            "days": days,
            "can_change": can_change,
            "holiday_form": HolidayForm(initial={"date": datetime.date(year, 1, 1)}),
            "year_form": CalendarYearForm(initial={"year": year + 1}),
        },
    )


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


@login_required
@require_POST
def holiday_delete(request, date):
    _require_change(request.user)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    holiday = Holiday.objects.restrict(request.user, Action.DELETE).filter(date=day).first()
    if holiday is None:
        raise Http404
    holiday.delete()
    messages.success(request, f"已删除 {day:%Y-%m-%d}。")
    return redirect(_year_url(day.year))


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
