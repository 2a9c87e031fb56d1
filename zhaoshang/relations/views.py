"""Company and contact pages. Thin: reads through restrict(), writes through services.

Companies are a shared registry (core/access.py ``SharedRegistry``): every business user
reads every company; the bureau changes any, an officer changes those their unit's
subtree entered. Contacts' phone numbers are masked on every page; the full number is
fetched one contact at a time by POST, only by someone who may change the company, and
each reveal is written to the audit log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.core.models import StaleEditError
from zhaoshang.core.panels import panels_for
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.relations.filtersets import CompanyFilterSet
from zhaoshang.relations.forms import CompanyForm, ContactForm
from zhaoshang.relations.models import Company, Contact
from zhaoshang.relations.normalise import normalise_company_name
from zhaoshang.relations.services import (
    create_company,
    find_similar_companies,
    reveal_phone,
    save_contact,
    update_company,
)


def _company_or_404(user, pk, action=Action.VIEW) -> Company:
    return get_object_or_404(
        Company.objects.restrict(user, action).select_related("home_division", "created_by_unit"), pk=pk
    )


def _can(user, action, company=None) -> bool:
    if not Company.access.allows(user, action):
        return False
    return company is None or Company.objects.restrict(user, action).filter(pk=company.pk).exists()


def _apply_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            for text in texts:
                form.add_error(name if name in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


def _saved(form, save):
    """What ``save()`` returns, or None with the service's refusal shown on the form."""
    try:
        return save()
    except ValidationError as error:
        _apply_service_errors(form, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


@login_required
def company_list(request):
    if not Company.access.allows(request.user, Action.VIEW):
        raise Http404
    filterset = CompanyFilterSet(request.GET or None, queryset=Company.objects.restrict(request.user), request=request)
    rows = filterset.qs.select_related("home_division", "created_by_unit").order_by("name", "pk")
    page = paginate(request, rows, 50)
    context = {
        "filterset": filterset,
        "page": page,
        "qs": querystring_without_page(request),
        "can_add": Company.access.allows(request.user, Action.ADD),
    }
    template = "relations/company_list.html#company-table" if request.htmx else "relations/company_list.html"
    return render(request, template, context)


@login_required
def company_detail(request, pk):
    user = request.user
    company = _company_or_404(user, pk)
    can_change = _can(user, Action.CHANGE, company)
    return render(
        request,
        "relations/company_detail.html",
        {
            "company": company,
            # The company's projects come from the projects app's panel (core.panels).
            "panels": panels_for("company", user, company),
            "contacts": company.contacts.all(),
            "can_change": can_change,
            "can_reveal": can_change,  # the same rule: SharedRegistry reveals to those who may change
            "hints": find_similar_companies(company.name, company.uscc or "", exclude_pk=company.pk),
        },
    )


def _duplicate_hints(form, exclude_pk=None):
    if not form.is_valid():
        return []
    return find_similar_companies(form.cleaned_data["name"], form.cleaned_data.get("uscc") or "", exclude_pk=exclude_pk)


@login_required
def company_create(request):
    if not Company.access.allows(request.user, Action.ADD):
        raise Http404
    form = CompanyForm(request.POST or None, user=request.user)
    hints = []
    if request.method == "POST" and form.is_valid():
        hints = _duplicate_hints(form)
        if hints and not form.cleaned_data.get("confirm_duplicate"):
            form.add_error(None, "已有名称相同的企业，请先核对下方列出的企业；确认不是同一家后勾选确认再保存。")
        else:
            company = _saved(form, lambda: create_company(request.user, form.save(commit=False)))
            if company is not None:
                messages.success(request, f"已新增企业「{company.name}」。")
                return redirect("relations:company_detail", pk=company.pk)
    return render(request, "relations/company_form.html", {"form": form, "creating": True, "hints": hints})


@login_required
def company_edit(request, pk):
    company = _company_or_404(request.user, pk, Action.CHANGE)
    stored_key = (company.normalised_name, company.uscc)
    form = CompanyForm(request.POST or None, instance=company, user=request.user)
    stale, hints = None, []
    if request.method == "POST" and form.is_valid():
        hints = _duplicate_hints(form, exclude_pk=company.pk)
        # Ask only when the name or code changed: an old look-alike needs no new confirmation.
        changed = (normalise_company_name(form.cleaned_data["name"]), form.cleaned_data["uscc"]) != stored_key
        if hints and changed and not form.cleaned_data.get("confirm_duplicate"):
            form.add_error(
                None, "已有名称或信用代码相同的企业，请先核对下方列出的企业；确认不是同一家后勾选确认再保存。"
            )
        else:
            try:
                update_company(
                    request.user, form.save(commit=False), expected_version=form.cleaned_data["version"] or 0
                )
            except StaleEditError as error:
                stale = error.current
                form.add_error(None, "该企业已被他人修改，您的修改未保存。请对照他人保存的内容重新编辑。")
            except ValidationError as error:
                _apply_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已保存。")
                return redirect("relations:company_detail", pk=company.pk)
    return render(
        request, "relations/company_form.html", {"form": form, "company": company, "stale": stale, "hints": hints}
    )


@login_required
def company_duplicates(request):
    """htmx: companies like the one being typed into the company form."""
    if not Company.access.allows(request.user, Action.VIEW):
        raise Http404
    exclude = request.GET.get("exclude") or ""
    hints = find_similar_companies(
        request.GET.get("name", ""),
        request.GET.get("uscc", ""),
        exclude_pk=int(exclude) if exclude.isdigit() else None,
    )
    return render(request, "relations/_company_hints.html", {"hints": hints})


def _contact_form_page(request, company, contact):
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        edited.company = company
        if _saved(form, lambda: save_contact(request.user, edited, new_phone=form.new_phone())) is not None:
            messages.success(request, f"已保存联系人「{edited.name}」。")
            return redirect("relations:company_detail", pk=company.pk)
    return render(request, "relations/contact_form.html", {"form": form, "company": company, "contact": contact})


@login_required
def contact_add(request, pk):
    company = _company_or_404(request.user, pk, Action.CHANGE)
    return _contact_form_page(request, company, Contact(company=company))


@login_required
def contact_edit(request, pk):
    contact = get_object_or_404(Contact.objects.restrict(request.user, Action.CHANGE).select_related("company"), pk=pk)
    return _contact_form_page(request, contact.company, contact)


@never_cache
@login_required
@require_POST
def contact_reveal(request, pk):
    """htmx POST: the full number of one contact, audited. 404 for anyone who may not."""
    try:
        contact = reveal_phone(request.user, pk)
    except Contact.DoesNotExist:
        raise Http404 from None
    return render(request, "relations/_phone.html", {"contact": contact})
