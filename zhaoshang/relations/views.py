"""Company and contact pages. Thin: reads through restrict(), writes through services.

Companies are a shared registry (core/access.py ``SharedRegistry``): every business user
reads every company; the bureau changes any, an officer changes those their unit's
subtree entered. Contacts' phone numbers are masked on every page; the full number is
fetched one contact at a time by POST, only by someone who may change the company, and
each reveal is written to the audit log.
"""

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.panels import panels_for
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


def _flag_badges(company) -> str:
    labels = company.flag_labels()
    if not labels:
        return '<span class="text-secondary">—</span>'
    return "".join(f'<span class="badge bg-azure-lt me-1">{escape(label)}</span>' for label in labels)


COMPANY_COLUMNS = Columns(
    Company,
    Column("name", label="企业名称", link=True, required=True),
    Column("uscc", css="font-monospace small", width=22),
    Column("nature"),
    Column("flags", label="标签", html=_flag_badges, value=lambda company: company.flag_labels()),
    Column("home_division__name", label="来源地"),
    Column("created_by_unit__name", label="录入单位", css="small"),
    Column("address", default=False),
    Column("created_at", label="录入时间", default=False),
)


class CompanyPages:
    model = Company
    list_url, detail_url, edit_url, create_url = (
        "relations:company_list",
        "relations:company_detail",
        "relations:company_edit",
        "relations:company_create",
    )


class CompanyList(CompanyPages, generic.ObjectListView):
    columns, filterset_class, ordering = COMPANY_COLUMNS, CompanyFilterSet, ("name", "pk")
    template_name = "relations/company_list.html"
    title, subtitle = "投资方", "全市共用的企业库：同一家企业只建一条记录，各单位的项目都挂在它名下。"
    empty_title, add_label = "没有符合条件的企业", "新增企业"
    empty_hint = "换个关键词试试：名称、信用代码或拼音首字母都可以。"


class CompanyDetail(CompanyPages, generic.ObjectDetailView):
    select_related = ("home_division", "created_by_unit")
    template_name, context_object_name = "relations/company_detail.html", "company"

    def get_extra_context(self, company):
        return {
            # The company's projects come from the projects app's panel (core.panels).
            "panels": panels_for("company", self.request.user, company),
            "contacts": company.contacts.all(),
            # SharedRegistry reveals a phone to those who may change the company.
            "can_reveal": self.can(Action.CHANGE, company),
            "hints": find_similar_companies(company.name, company.uscc or "", exclude_pk=company.pk),
        }


class CompanyEdit(CompanyPages, generic.ObjectEditView):
    """Create and edit; a name or credit code like another company's asks for confirmation."""

    form_class, template_name, context_object_name = CompanyForm, "relations/company_form.html", "company"
    stale_message = "该企业已被他人修改，您的修改未保存。请对照他人保存的内容重新编辑。"
    hints = ()

    def get_form_kwargs(self, obj):
        # Read before the form writes the posted values into the instance.
        self.stored_key = (obj.normalised_name, obj.uscc)
        return {"instance": obj, "user": self.request.user}

    def form_ready(self, form, company):
        data = form.cleaned_data
        self.hints = find_similar_companies(data["name"], data.get("uscc") or "", exclude_pk=company.pk)
        # Ask only when the name or code changed: an old look-alike needs no new confirmation.
        changed = company.pk is None or (normalise_company_name(data["name"]), data["uscc"]) != self.stored_key
        if self.hints and changed and not data.get("confirm_duplicate"):
            form.add_error(
                None,
                "已有名称相同的企业，请先核对下方列出的企业；确认不是同一家后勾选确认再保存。"
                if company.pk is None
                else "已有名称或信用代码相同的企业，请先核对下方列出的企业；确认不是同一家后勾选确认再保存。",
            )
            return False
        return True

    def save(self, form, company, expected_version):
        if company.pk is None:
            return create_company(self.request.user, form.save(commit=False))
        return update_company(self.request.user, form.save(commit=False), expected_version=expected_version)

    def success_message(self, company):
        return f"已新增企业「{company.name}」。" if self.creating else "已保存。"

    def get_extra_context(self, form, company):
        return {"hints": self.hints}


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


class ContactEdit(generic.ObjectEditView):
    """A contact of a company the user may change; the number never goes back to the browser."""

    model, form_class, select_related = Contact, ContactForm, ("company",)
    template_name, context_object_name = "relations/contact_form.html", "contact"

    def company(self, contact) -> Company:
        return contact.company

    def save(self, form, contact, expected_version):
        edited = form.save(commit=False)
        edited.company = self.company(contact)
        return save_contact(self.request.user, edited, new_phone=form.new_phone())

    def success_message(self, contact):
        return f"已保存联系人「{contact.name}」。"

    def success_url(self, contact):
        return reverse("relations:company_detail", args=[contact.company_id])

    def get_extra_context(self, form, contact):
        return {"company": self.company(contact)}


class ContactAdd(ContactEdit):
    """新增联系人: the URL's pk is the company's, which the user must be able to change."""

    creating = True

    def new_object(self):
        self.parent = _company_or_404(self.request.user, self.kwargs["pk"], Action.CHANGE)
        return Contact(company=self.parent)

    def company(self, contact):
        return self.parent


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
