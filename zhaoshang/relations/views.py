"""Company and contact pages. Thin: reads through restrict(), writes through services.

Companies are a shared registry (core/access.py ``SharedRegistry``): every business user
reads every company; the bureau changes any, an officer changes those their unit's
subtree entered. Contacts are each keeping unit's own (``PersonalRecords``); their
personal fields are masked on every page and export, and revealed one field at a time,
with a purpose, by someone who may change the contact, each reveal in the audit log.
"""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.panels import panels_for
from zhaoshang.core.roles import Role
from zhaoshang.core.search import search_terms
from zhaoshang.relations.choices import PersonalField
from zhaoshang.relations.filtersets import (
    CompanyFilterSet,
    ContactFilterSet,
    InteractionFilterSet,
    IntermediaryFilterSet,
)
from zhaoshang.relations.forms import (
    AgreementForm,
    CompanyForm,
    ContactForm,
    InteractionForm,
    IntermediaryForm,
    MergeForm,
    RevealForm,
    SubjectRequestForm,
)
from zhaoshang.relations.models import Company, Contact, Interaction, Intermediary, PromotionAgreement
from zhaoshang.relations.normalise import normalise_company_name
from zhaoshang.relations.services import (
    contact_data,
    create_company,
    duplicate_groups,
    erase_contact,
    find_similar_companies,
    linked_counts,
    merge_companies,
    reveal_personal,
    save_contact,
    save_interaction,
    update_company,
)
from zhaoshang.relations.timeline import company_timeline


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

    def filter_queryset(self, queryset):
        return queryset.filter(merged_into__isnull=True)  # a merged duplicate lives on in its survivor

    template_name = "relations/company_list.html"
    title, subtitle = "投资方", "全市共用的企业库：同一家企业只建一条记录，各单位的项目都挂在它名下。"
    empty_title, add_label = "没有符合条件的企业", "新增企业"
    import_kind, import_label = "companies", "导入企业名单"
    empty_hint = "换个关键词试试：名称、信用代码或拼音首字母都可以。"


class CompanyDetail(CompanyPages, generic.ObjectDetailView):
    select_related = ("home_division", "created_by_unit", "industry", "parent", "merged_into")
    template_name, context_object_name = "relations/company_detail.html", "company"

    def get_extra_context(self, company):
        user = self.request.user
        return {
            "timeline": company_timeline(user, company),
            "subsidiaries": company.subsidiaries.filter(merged_into__isnull=True).order_by("name")[:50],
            "merged_from": company.merged_from.order_by("name"),
            "can_merge": user.role == Role.BUREAU and not company.is_merged,
            # The company's projects come from the projects app's panel (core.panels).
            "panels": panels_for("company", self.request.user, company),
            # The company is shared; its contacts are each unit's own (PersonalRecords).
            "contacts": Contact.objects.restrict(self.request.user)
            .filter(company=company)
            .select_related("keeping_unit"),
            "can_add_contact": Contact.access.allows(self.request.user, Action.ADD),
            "can_record": Interaction.access.allows(self.request.user, Action.ADD) and not company.is_merged,
            "hints": []
            if company.is_merged
            else find_similar_companies(
                company.name, company.uscc or "", exclude_pk=company.pk, former_names=company.former_names
            ),
        }


class CompanyEdit(CompanyPages, generic.ObjectEditView):
    """Create and edit; a name or credit code like another company's asks for confirmation."""

    form_class, template_name, context_object_name = CompanyForm, "relations/company_form.html", "company"
    stale_message = "该企业已被他人修改，您的修改未保存。请对照他人保存的内容重新编辑。"
    hints = ()

    def get_queryset(self, action=None):
        return super().get_queryset(action).filter(merged_into__isnull=True)

    def get_form_kwargs(self, obj):
        # Read before the form writes the posted values into the instance.
        self.stored_key = (obj.normalised_name, obj.uscc, list(obj.former_names))
        return {"instance": obj, "user": self.request.user}

    def form_ready(self, form, company):
        data = form.cleaned_data
        former = data.get("former_names") or []
        self.hints = find_similar_companies(
            data["name"], data.get("uscc") or "", exclude_pk=company.pk, former_names=former
        )
        # Ask only when the name or code changed: an old look-alike needs no new confirmation.
        typed = (normalise_company_name(data["name"]), data["uscc"], former)
        changed = company.pk is None or typed != self.stored_key
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


@login_required
def company_duplicate_groups(request):
    """疑似重复企业 (bureau): companies stored twice, each group with a merge link."""
    if request.user.role != Role.BUREAU:
        raise Http404
    return render(request, "relations/company_duplicate_groups.html", {"groups": duplicate_groups()})


@login_required
def company_merge(request, pk):
    """Merge a duplicate into this company (bureau): GET compares the two and asks which
    survives; POST merges, audited. ``?other=`` names the other company."""
    if request.user.role != Role.BUREAU:
        raise Http404
    live = Company.objects.restrict(request.user, Action.CHANGE).filter(merged_into__isnull=True)
    company = get_object_or_404(live, pk=pk)
    other_pk = request.POST.get("other") or request.GET.get("other") or ""
    other = live.exclude(pk=company.pk).filter(pk=other_pk).first() if other_pk.isdigit() else None
    form = MergeForm(request.POST or None, pair=(company, other) if other else None)
    if request.method == "POST" and other is not None and form.is_valid():
        keep, duplicate = (company, other) if form.cleaned_data["keep"] == str(company.pk) else (other, company)
        try:
            merge_companies(request.user, keep, duplicate, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            generic.apply_errors(form, error)
        else:
            messages.success(request, f"已将「{duplicate.name}」合并至「{keep.name}」。")
            return redirect("relations:company_detail", keep.pk)
    candidates = (
        []
        if other
        else find_similar_companies(
            company.name, company.uscc or "", exclude_pk=company.pk, former_names=company.former_names
        )
    )
    context = {"company": company, "other": other, "form": form, "candidates": candidates}
    if other is not None:
        context["sides"] = [(side, linked_counts(side)) for side in (company, other)]
    return render(request, "relations/company_merge.html", context)


# --- contacts ----------------------------------------------------------------------------
#
# A contact is kept by a unit (``PersonalRecords``): its subtree, the bureau and leaders
# read it; another town gets 404 from every contact URL. Personal fields are shown masked
# on every page and in every export; the full value of one field comes from the reveal
# page, with a purpose, audited.


def _masked(field):
    return Column(
        field,
        value=lambda contact: contact.masked(field),
        css="font-monospace",
        sort=False,
        fields=(field,),
    )


CONTACT_COLUMNS = Columns(
    Contact,
    Column("name", label="姓名", link=True, required=True),
    Column("kind"),
    Column("company__name", label="企业"),
    Column("title"),
    _masked("phone"),
    _masked("wechat"),
    _masked("office_phone"),
    Column("native_division__name", label="籍贯（本地）"),
    Column("workplace", default=False),
    Column("sector", default=False),
    Column("standing", default=False),
    Column("keeping_unit__name", label="维护单位", sort="keeping_unit__path", css="small"),
    Column("keeping_officer__first_name", label="联络责任人", default=False),
    Column("consent_basis", default=False),
    Column("source", default=False),
)


class ContactPages:
    model = Contact
    list_url, detail_url, edit_url, create_url = (
        "relations:contact_list",
        "relations:contact_detail",
        "relations:contact_edit",
        "relations:contact_create",
    )


class ContactList(ContactPages, generic.ObjectListView):
    columns, filterset_class, ordering = CONTACT_COLUMNS, ContactFilterSet, ("name", "pk")
    title = "客商与乡贤"
    subtitle = "各单位维护的联系人：只有维护单位（及其上级）、招商局和领导能看到；手机号、微信号等一律隐藏显示。"
    empty_title, add_label = "没有符合条件的联系人", "新增联系人"
    import_kind, import_label = "contacts", "导入客商、乡贤名单"
    empty_hint = "换个关键词试试：姓名、企业、职务或拼音首字母都可以。"
    export_title = "联系人"

    @property
    def count_cap(self):
        # A search counts at most 1,000 matches: an exact count read all 500,000 contacts
        # of a province for a common name (王总).
        return 1000 if self.request.GET.get("q", "").strip() else None


class ContactDetail(ContactPages, generic.ObjectDetailView):
    select_related = ("company", "keeping_unit", "keeping_officer", "native_division")
    template_name, context_object_name = "relations/contact_detail.html", "contact"

    def get_extra_context(self, contact):
        return {
            "personal": contact.personal_values(),
            "can_reveal": self.can(Action.REVEAL, contact),
            "can_erase": self.can(Action.DELETE, contact),
            "interactions": Interaction.objects.restrict(self.request.user)
            .filter(contacts=contact)
            .select_related("unit")[:50],
            "can_record": Interaction.access.allows(self.request.user, Action.ADD),
            # What the contact brought comes from apps above (leads' referrals, core.panels).
            "panels": panels_for("contact", self.request.user, contact),
        }


class ContactEdit(ContactPages, generic.ObjectEditView):
    """A contact kept by the user's unit's subtree; no full number goes back to the browser."""

    form_class, select_related = ContactForm, ("company",)
    template_name, context_object_name = "relations/contact_form.html", "contact"

    def get_form_kwargs(self, obj):
        return {"instance": obj, "user": self.request.user}

    def save(self, form, contact, expected_version):
        edited = form.save(commit=False)
        return save_contact(self.request.user, edited, personal=form.personal_values())

    def success_message(self, contact):
        return f"已保存联系人「{contact.name}」。"

    def get_extra_context(self, form, contact):
        return {"company": contact.company}


class ContactAdd(ContactEdit):
    """新增联系人 of a company (the URL's pk is the company's). Companies are shared, so
    any business user who reads the company may keep their own contact there."""

    creating = True

    def new_object(self):
        return Contact(company=_company_or_404(self.request.user, self.kwargs["pk"]))


@never_cache
@login_required
def contact_reveal(request, pk):
    """查看完整信息: GET asks which field and why; POST shows it once, audited. 404 for
    anyone who may not reveal this contact's information."""
    contact = _contact_or_404(request.user, pk, Action.REVEAL)
    form = RevealForm(request.POST or None, contact=contact, initial={"field": request.GET.get("field")})
    shown = None
    if request.method == "POST" and form.is_valid():
        try:
            contact, value = reveal_personal(request.user, pk, form.cleaned_data["field"], form.cleaned_data["purpose"])
        except Contact.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            generic.apply_errors(form, error)
        else:
            shown = (PersonalField(form.cleaned_data["field"]).label, value)
    return render(request, "relations/contact_reveal.html", {"contact": contact, "form": form, "shown": shown})


@never_cache
@login_required
def contact_export(request, pk):
    """A person's own data on their request (个人信息保护法 第四十五条): a confirmation
    page; POST downloads everything we keep about them, unmasked, audited."""
    contact = _contact_or_404(request.user, pk, Action.REVEAL)
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact, data = contact_data(request.user, pk, form.cleaned_data["request_note"])
        except Contact.DoesNotExist:
            raise Http404 from None
        return xlsx_response(data, f"个人信息-{contact.name}-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "relations/contact_subject.html", {"contact": contact, "form": form, "erasing": False})


@never_cache
@login_required
def contact_erase(request, pk):
    """Erasure on request (个人信息保护法 第四十七条): a confirmation page; POST erases the
    record, audited without its data."""
    contact = _contact_or_404(request.user, pk, Action.DELETE)
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase_contact(request.user, pk, form.cleaned_data["request_note"])
        except Contact.DoesNotExist:
            raise Http404 from None
        messages.success(request, "已按本人请求删除该联系人的全部信息。")
        return (
            redirect("relations:company_detail", contact.company_id)
            if contact.company_id
            else redirect("relations:contact_list")
        )
    return render(request, "relations/contact_subject.html", {"contact": contact, "form": form, "erasing": True})


def _contact_or_404(user, pk, action) -> Contact:
    return get_object_or_404(Contact.objects.restrict(user, action).select_related("company", "keeping_unit"), pk=pk)


# --- interactions (走访、接待、洽谈) ---------------------------------------------------------


INTERACTION_COLUMNS = Columns(
    Interaction,
    Column("date", label="日期", link=True, required=True),
    Column("kind"),
    Column("company__name", label="企业"),
    Column("leader_level"),
    Column("content", value=lambda row: row.content[:60], sort=False, fields=("content",)),
    Column("next_contact_on"),
    Column("unit__name", label="记录单位", sort="unit__path", css="small"),
    Column("requests", default=False, sort=False),
    Column("next_step", default=False, sort=False),
)


class InteractionPages:
    model = Interaction
    list_url, detail_url, edit_url, create_url, delete_url = (
        "relations:interaction_list",
        "relations:interaction_detail",
        "relations:interaction_edit",
        "relations:interaction_create",
        "relations:interaction_delete",
    )


class InteractionList(InteractionPages, generic.ObjectListView):
    columns, filterset_class, ordering = INTERACTION_COLUMNS, InteractionFilterSet, ("-date", "-pk")
    title = "走访接待"
    subtitle = "外出拜访、来访接待、电话/视频、座谈会、考察：与企业和客商、乡贤的每一次交流。"
    empty_title, add_label = "没有符合条件的走访接待记录", "记录走访接待"


class InteractionDetail(InteractionPages, generic.ObjectDetailView):
    select_related = ("company", "unit", "project", "created_by")
    template_name, context_object_name = "relations/interaction_detail.html", "interaction"

    def get_extra_context(self, interaction):
        user = self.request.user
        return {
            # Their participants as this user may see them: another unit's contact stays unnamed.
            "contacts": Contact.objects.restrict(user).filter(interactions=interaction),
            "hidden_contacts": interaction.contacts.count()
            - Contact.objects.restrict(user).filter(interactions=interaction).count(),
            "our_people": interaction.our_people.select_related("unit"),
        }


class InteractionEdit(InteractionPages, generic.ObjectEditView):
    form_class, select_related = InteractionForm, ("company", "project")
    template_name, context_object_name = "relations/interaction_form.html", "interaction"
    title_create = "记录走访接待"

    def get_form_kwargs(self, obj):
        kwargs = {"instance": obj, "user": self.request.user}
        if obj.pk is None:
            kwargs["company"], kwargs["contact"] = self.preset()
        return kwargs

    def preset(self):
        """The company or contact the page was opened from (?company=, ?contact=)."""
        user, query = self.request.user, self.request.GET
        company = contact = None
        if str(query.get("company", "")).isdigit():
            company = Company.objects.restrict(user).filter(pk=query["company"], merged_into__isnull=True).first()
        if str(query.get("contact", "")).isdigit():
            contact = Contact.objects.restrict(user).select_related("company").filter(pk=query["contact"]).first()
            if contact is not None and company is None:
                company = contact.company
        return company, contact

    def save(self, form, interaction, expected_version):
        edited = form.save(commit=False)
        edited.company = form.cleaned_data.get("company_name")
        edited.project = form.cleaned_data.get("project_code")
        return save_interaction(
            self.request.user,
            edited,
            contacts=form.cleaned_data.get("contacts") or [],
            our_people=form.cleaned_data.get("our_people") or [],
            expected_version=expected_version,
        )

    def success_message(self, interaction):
        return "已保存走访接待记录。"


class InteractionDelete(InteractionPages, generic.ObjectDeleteView):
    pass


# --- intermediaries (中介机构) and their agreements -----------------------------------------


INTERMEDIARY_COLUMNS = Columns(
    Intermediary,
    Column("name", label="机构名称", link=True, required=True),
    Column("kind"),
    Column("home_division__name", label="所在地"),
    Column("regions", sort=False),
    Column("sectors", sort=False),
    Column("created_by_unit__name", label="录入单位", css="small"),
)


def _save_for_unit(form, expected_version, unit_field: str, unit):
    """A new record belongs to the user's unit; an edit is saved against its version."""
    edited = form.save(commit=False)
    if edited.pk is None:
        setattr(edited, unit_field, unit)
        edited.save()
    else:
        edited.save_versioned(expected_version)
    return edited


class IntermediaryPages:
    model = Intermediary
    list_url, detail_url, edit_url, create_url = (
        "relations:intermediary_list",
        "relations:intermediary_detail",
        "relations:intermediary_edit",
        "relations:intermediary_create",
    )


class IntermediaryList(IntermediaryPages, generic.ObjectListView):
    columns, filterset_class, ordering = INTERMEDIARY_COLUMNS, IntermediaryFilterSet, ("name", "pk")
    title = "中介机构"
    subtitle = "商会、异地商会、行业协会、招商代理、咨询机构、银行投行、律所会所：全市共用的名录。"
    empty_title, add_label = "没有符合条件的中介机构", "新增中介机构"
    import_kind, import_label = "intermediaries", "导入中介机构名单"


class IntermediaryDetail(IntermediaryPages, generic.ObjectDetailView):
    select_related = ("home_division", "created_by_unit")
    template_name, context_object_name = "relations/intermediary_detail.html", "intermediary"

    def get_extra_context(self, intermediary):
        user = self.request.user
        return {
            # The list is shared; agreements and people are each unit's own.
            "agreements": PromotionAgreement.objects.restrict(user)
            .filter(intermediary=intermediary)
            .select_related("unit"),
            "contacts": Contact.objects.restrict(user).filter(intermediary=intermediary),
            "can_add_agreement": PromotionAgreement.access.allows(user, Action.ADD),
            "panels": panels_for("intermediary", user, intermediary),
        }


class IntermediaryEdit(IntermediaryPages, generic.ObjectEditView):
    form_class = IntermediaryForm

    def get_form_kwargs(self, obj):
        return {"instance": obj, "user": self.request.user}

    def save(self, form, intermediary, expected_version):
        return _save_for_unit(form, expected_version, "created_by_unit", self.request.user.unit)


class AgreementEdit(generic.ObjectEditView):
    model, form_class, select_related = PromotionAgreement, AgreementForm, ("intermediary",)
    list_url = "relations:intermediary_list"
    title_create = "新增委托招商协议"

    def save(self, form, agreement, expected_version):
        return _save_for_unit(form, expected_version, "unit", self.request.user.unit)

    def success_url(self, agreement):
        return reverse("relations:intermediary_detail", args=[agreement.intermediary_id])

    def render_form(self, form, obj, stale=None, **extra):
        extra.setdefault("cancel_href", reverse("relations:intermediary_detail", args=[obj.intermediary_id]))
        return super().render_form(form, obj, stale=stale, **extra)


class AgreementAdd(AgreementEdit):
    """新增委托招商协议 with an intermediary (the URL's pk is the intermediary's): the list
    is shared, so any unit may entrust one; the agreement is the unit's own."""

    creating = True

    def new_object(self):
        intermediary = get_object_or_404(Intermediary.objects.restrict(self.request.user), pk=self.kwargs["pk"])
        return PromotionAgreement(intermediary=intermediary)


@login_required
def network_search(request):
    """One search box across companies, people and intermediaries, by name, pinyin
    initials or full pinyin; each part read through its own restrict(), phones masked."""
    if not Company.access.allows(request.user, Action.VIEW):
        raise Http404
    query = request.GET.get("q", "")[:100]
    terms = search_terms(query)
    found = {"companies": [], "contacts": [], "intermediaries": []}
    if terms:
        user = request.user
        companies = Company.objects.restrict(user).filter(merged_into__isnull=True)
        contacts = Contact.objects.restrict(user).select_related("company", "keeping_unit")
        intermediaries = Intermediary.objects.restrict(user)
        for term in terms:
            companies = companies.filter(search_text__contains=term)
            contacts = contacts.filter(search_text__contains=term)
            intermediaries = intermediaries.filter(search_text__contains=term)
        # The first matches by id, then sorted by name: ORDER BY name read every match of a
        # common word before returning 20 (a province has 500,000 contacts).
        found = {
            key: sorted(rows.order_by("pk")[:SEARCH_LIMIT], key=lambda row: (row.name, row.pk))
            for key, rows in (("companies", companies), ("contacts", contacts), ("intermediaries", intermediaries))
        }
    return render(request, "relations/search.html", {"query": query, "limit": SEARCH_LIMIT, **found})


SEARCH_LIMIT = 20
