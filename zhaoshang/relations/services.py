"""Finding investors: one firm, one record, whichever unit met it first."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog, record_created
from zhaoshang.core.parsing import normalise_text
from zhaoshang.core.search import build_search_text
from zhaoshang.core.validators import uscc_check_character, uscc_problem
from zhaoshang.relations.choices import ContactKind, LocalStatus, PersonalField
from zhaoshang.relations.models import Company, Contact, FormerName, Interaction, Intermediary
from zhaoshang.relations.normalise import normalise_company_name


def company_key(name: str, uscc: str) -> str:
    return (uscc or "").strip().upper() or normalise_company_name(name)


# --- who may change a shared company -------------------------------------------------------
#
# Companies are one registry for all units: every business user reads them and may link a
# project to any of them, so that one firm stays one record. Changing what identifies a
# firm (its name and credit code) or its people (contacts and their phones) is for those
# who maintain the record: the unit that entered it and the units above it, and the
# bureau. Everyone else links, and is told that the record was left as it is. Every path
# that writes a company or a contact (the company pages, a project's investor fields, the
# ledger import) asks ``maintained_company_ids``, so the rule is decided here only.

FOREIGN_CONTACT_NOTE = "联系人属于其他单位维护的企业，未修改"
FOREIGN_CODE_NOTE = "企业由其他单位维护，统一社会信用代码未写入该企业"


def maintained_company_ids(user, company_ids) -> set[int]:
    """The ids among ``company_ids`` whose identity and contacts ``user`` may change."""
    ids = {pk for pk in company_ids if pk is not None}
    if not ids:
        return set()
    return set(Company.objects.restrict(user, Action.CHANGE).filter(pk__in=ids).values_list("pk", flat=True))


def may_maintain(user, company: Company) -> bool:
    return company.pk is None or company.pk in maintained_company_ids(user, [company.pk])


def _require_maintainer(user, company_pk: int | None, message: str) -> None:
    if company_pk is not None and not maintained_company_ids(user, [company_pk]):
        raise PermissionDenied(message)


def propose_changes(user, company: Company, *, uscc: str = "", contact_names=()) -> None:
    """Tell those who maintain ``company`` what another unit would have changed: its
    officers (or, for a company no unit owns, the bureau) get a message linking to the
    company, and decide. Nothing of the company changes here."""
    from zhaoshang.accounts.choices import Role
    from zhaoshang.accounts.models import User
    from zhaoshang.notifications.choices import NotificationKind
    from zhaoshang.notifications.services import notify, notify_unit

    proposed = []
    if uscc:
        proposed.append(f"统一社会信用代码 {uscc}")
    names = sorted(set(contact_names))
    if names:
        proposed.append(f"联系人「{'、'.join(names[:5])}」{'等' if len(names) > 5 else ''}的信息")
    if not proposed:
        return
    who = user.unit.name if user.unit_id else user.get_role_display()
    title = f"{who}建议更新企业「{company.name}」的{'和'.join(proposed)}"[:200]
    body = "该企业由贵单位维护，其他单位不能直接修改。请核实后在企业页面更新。"
    url = reverse("relations:company_detail", args=[company.pk])
    if company.created_by_unit_id:
        notify_unit(company.created_by_unit, NotificationKind.SYSTEM, title, url=url, body=body)
    else:
        bureau = User.objects.filter(role=Role.BUREAU, is_active=True).order_by("pk")
        notify(bureau, NotificationKind.SYSTEM, title, url=url, body=body)


@dataclass
class InvestorLink:
    """The company a typed investor links to, and what the officer should be told."""

    company: Company | None
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def investor_for(user, name: str, uscc: str = "", unit=None) -> InvestorLink:
    """The company behind an investor typed on a project form: by credit code, then by
    normalised name; a new one (owned by ``unit``) when neither matches.

    A company found by its code is linked and never renamed. A company found by name that
    has no code gets the typed code only if ``user`` maintains it; otherwise it is linked
    unchanged and the note says why."""
    name, uscc = normalise_text(name or ""), (uscc or "").strip().upper()
    if not name and not uscc:
        return InvestorLink(None)
    matched = _match_companies({company_key(name, uscc): (name, uscc)})
    company = matched.get(company_key(name, uscc))
    notes = []
    if company is None:
        company = Company.objects.create(name=name or uscc, uscc=uscc or None, created_by_unit=unit)
    elif uscc and company.uscc == uscc:
        if name and normalise_company_name(name) != company.normalised_name:
            notes.append(f"统一社会信用代码 {uscc} 已登记为企业「{company.name}」，项目已关联该企业，企业名称未改动。")
    elif uscc and not company.uscc:
        if may_maintain(user, company):
            company = Company.objects.select_for_update().get(pk=company.pk)
            company.uscc = uscc
            company.version += 1  # the company's edit form opened before this is now stale
            company.save()
        else:
            propose_changes(user, company, uscc=uscc)
            notes.append(
                f"企业「{company.name}」由其他单位维护，填写的统一社会信用代码未写入该企业，"
                "已作为更正建议通知其维护单位。"
            )
    return InvestorLink(company, notes)


def _match_companies(wanted: dict[str, tuple[str, str]]) -> dict[str, Company]:
    """{key: stored Company} for {key: (name, credit code)}: by code, then by normalised name."""
    codes = [uscc for _, uscc in wanted.values() if uscc]
    names = {normalise_company_name(name) for name, _ in wanted.values() if name}
    live = Company.objects.filter(merged_into__isnull=True)
    by_code = {company.uscc: company for company in live.filter(uscc__in=codes)} if codes else {}
    by_name = {}
    for company in live.filter(normalised_name__in=names).order_by("pk") if names else ():
        by_name.setdefault(company.normalised_name, company)
    # A firm typed by its former name (or by a duplicate's name, merged away) is the firm.
    missing = names - set(by_name)
    if missing:
        former = FormerName.objects.filter(normalised_name__in=missing, company__merged_into__isnull=True)
        for row in former.select_related("company").order_by("company_id"):
            by_name.setdefault(row.normalised_name, row.company)
    found = {}
    for key, (name, uscc) in wanted.items():
        company = by_code.get(uscc) if uscc else None
        if company is None and name:
            company = by_name.get(normalise_company_name(name))
        if company is not None:
            found[key] = company
    return found


def find_company(text: str) -> Company | None:
    """The stored company typed as a name (any spelling, a former name) or a credit code."""
    text = normalise_text(text or "")
    code = text.upper() if len(text) == 18 and text.isalnum() else ""
    name = "" if code else text
    if not text:
        return None
    return _match_companies({company_key(name, code): (name, code)}).get(company_key(name, code))


def _wanted(pairs) -> dict[str, tuple[str, str]]:
    wanted = {}
    for name, uscc in pairs:
        if name or uscc:
            wanted.setdefault(company_key(name, uscc), (normalise_text(name), (uscc or "").strip().upper()))
    return wanted


def unmaintained_companies(user, pairs: list[tuple[str, str]]) -> dict[str, Company]:
    """{key: stored Company} for the (name, credit code) pairs that name a company ``user``
    does not maintain: what an import may link to but not change (the preview says so)."""
    matched = _match_companies(_wanted(pairs))
    mine = maintained_company_ids(user, [company.pk for company in matched.values()])
    return {key: company for key, company in matched.items() if company.pk not in mine}


@transaction.atomic
def companies_for(user, pairs: list[tuple[str, str]], unit) -> dict[str, Company]:
    """{company_key: Company} for (name, credit code) pairs: found by credit code, then by
    normalised name, and created in bulk (with their audit rows, owned by ``unit``) when
    neither matches. A found company without a code gets the code it was given if ``user``
    maintains it."""
    wanted = _wanted(pairs)
    matched = _match_companies(wanted)
    mine = maintained_company_ids(user, [company.pk for company in matched.values()])
    taken = {company.uscc for company in matched.values() if company.uscc}
    found, missing = {}, []
    # Codes given out in this call, to stored or new companies: a later row with the same
    # code names the same firm.
    assigned_codes, created_by_name = {}, {}
    for key, (name, uscc) in wanted.items():
        company = matched.get(key)
        if company is not None:
            if uscc and not company.uscc and uscc not in taken:
                if company.pk in mine:
                    company.uscc = uscc
                    company.save()
                    taken.add(uscc)
                    assigned_codes[uscc] = company
                else:
                    propose_changes(user, company, uscc=uscc)
        else:
            # Two spellings of one new firm in the same file make one company.
            company = assigned_codes.get(uscc) if uscc else None
            if company is None and name:
                company = created_by_name.get(normalise_company_name(name))
                if company is not None and uscc and not company.uscc and uscc not in taken:
                    company.uscc = uscc  # still unsaved: created below with its code
                    company.derive_fields()
                    taken.add(uscc)
                    assigned_codes[uscc] = company
            if company is None:
                company = Company(name=name or uscc, uscc=(uscc if uscc not in taken else None) or None)
                company.created_by_unit = unit
                company.derive_fields()
                missing.append(company)
                if company.uscc:
                    taken.add(company.uscc)
                    assigned_codes[company.uscc] = company
                created_by_name.setdefault(company.normalised_name, company)
        found[key] = company
    Company.objects.bulk_create(missing, batch_size=2000)
    record_created(missing)
    return found


@transaction.atomic
def import_contacts(user, pairs: list[tuple[Company | None, dict]]) -> None:
    """Contacts named in a ledger: new ones in bulk, a changed phone saved (and audited).
    Rows naming a company ``user`` does not maintain change nothing (the preview said so);
    what they would have changed goes to its maintainers as a proposal."""
    wanted = {}
    for company, values in pairs:
        name = values.get("contact_name", "")
        if company is not None and name:
            wanted[(company.pk, name)] = (company, values.get("contact_phone", ""))
    if not wanted:
        return
    mine = maintained_company_ids(user, {company_pk for company_pk, _ in wanted})
    # New contacts are kept by the importing unit (the bureau's own unit for the bureau).
    keeping_unit_id = user.unit_id
    # Only contacts the importing unit keeps: another unit's contact of the same name at
    # the same firm is that unit's record, which this import neither sees nor changes.
    existing = {
        (contact.company_id, contact.name): contact
        for contact in Contact.objects.restrict(user, Action.CHANGE).filter(
            company_id__in={key[0] for key in wanted}, name__in={key[1] for key in wanted}
        )
    }
    new, proposals = [], {}
    for (company_id, name), (company, phone) in wanted.items():
        contact = existing.get((company_id, name))
        differs = contact is None or (phone and contact.phone != phone)
        if not differs:
            continue
        if company_id not in mine:
            proposals.setdefault(company_id, (company, []))[1].append(name)
        elif contact is None:
            new.append(Contact(company=company, name=name, phone=phone, keeping_unit_id=keeping_unit_id))
        else:
            contact.phone = phone
            contact.save()
    for contact in new:
        contact.search_text = build_search_text(contact.name, contact.company.name)
    Contact.objects.bulk_create(new, batch_size=2000)
    record_created(new, detail="台账导入")
    for company, names in proposals.values():
        propose_changes(user, company, contact_names=names)


# --- companies and contacts edited on their pages -------------------------------------


@dataclass
class CompanyHint:
    """A stored company that looks like the one being typed, and why."""

    company: Company
    reasons: list[str] = field(default_factory=list)

    @property
    def same_code(self) -> bool:
        return "统一社会信用代码相同" in self.reasons


def find_similar_companies(name: str, uscc: str = "", *, exclude_pk=None, former_names=()) -> list[CompanyHint]:
    """Companies with the same credit code, the same normalised name ("深圳安泰电子元件
    有限公司" and "深圳安泰电子元件（有限公司）" are one firm), or a name that is the other's
    former name. Companies are a shared registry, so every business user may be told which
    ones exist. Merged duplicates are left out: their survivor is found instead."""
    uscc = (uscc or "").strip().upper()
    key = normalise_company_name(name) if (name or "").strip() else ""
    former_keys = {normalise_company_name(former) for former in former_names if former.strip()} - {key, ""}
    keys = {key} - {""} | former_keys
    condition = Q()
    if uscc:
        condition |= Q(uscc=uscc)
    if keys:
        condition |= Q(normalised_name__in=keys)
        condition |= Q(pk__in=FormerName.objects.filter(normalised_name__in=keys).values("company_id"))
    if not condition:
        return []
    candidates = (
        Company.objects.filter(condition, merged_into__isnull=True)
        .select_related("created_by_unit")
        .prefetch_related("former_keys")
        .order_by("pk")
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    hints = []
    for candidate in candidates[:20]:
        reasons = []
        if uscc and candidate.uscc == uscc:
            reasons.append("统一社会信用代码相同")
        if key and candidate.normalised_name == key:
            reasons.append("企业名称相同（忽略“有限公司”、括号、空格等）")
        if candidate.normalised_name in former_keys:
            reasons.append("其名称是本企业的曾用名")
        if keys & {row.normalised_name for row in candidate.former_keys.all()}:
            reasons.append("名称与其曾用名相同")
        hints.append(CompanyHint(candidate, reasons))
    hints.sort(key=lambda hint: not hint.same_code)
    return hints


def duplicate_groups(limit: int = 100) -> list[list[Company]]:
    """Companies stored twice: the same normalised name, or a name that is another's former
    name. For the bureau's 疑似重复企业 page; merged ones are left out."""
    live = Company.objects.filter(merged_into__isnull=True)
    names = (
        live.values("normalised_name")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("normalised_name")
        .values_list("normalised_name", flat=True)[:limit]
    )
    groups: dict[str, set[int]] = {name: set() for name in names}
    for pk, normalised in live.filter(normalised_name__in=list(groups)).values_list("pk", "normalised_name"):
        groups[normalised].add(pk)
    former = FormerName.objects.filter(
        company__merged_into__isnull=True, normalised_name__in=live.values("normalised_name")
    ).values_list("company_id", "normalised_name")[:limit]
    former = list(former)
    holders = {}
    for pk, normalised in live.filter(normalised_name__in={name for _, name in former}).values_list(
        "pk", "normalised_name"
    ):
        holders.setdefault(normalised, set()).add(pk)
    for company_id, normalised in former:
        others = holders.get(normalised, set()) - {company_id}
        if others:
            groups.setdefault(f"former:{normalised}", set()).update(others | {company_id})
    wanted = {pk for pks in groups.values() for pk in pks}
    companies = Company.objects.select_related("created_by_unit").in_bulk(wanted)
    result, seen = [], set()
    for pks in groups.values():
        key = frozenset(pks)
        if len(pks) > 1 and key not in seen:
            seen.add(key)
            result.append([companies[pk] for pk in sorted(pks)])
    return result[:limit]


# Relations a merge must not move: the duplicate's own bookkeeping.
_NOT_MOVED = {"former_keys", "merged_from"}


def _moved_relations():
    for relation in Company._meta.related_objects:
        if relation.one_to_many and relation.get_accessor_name() not in _NOT_MOVED:
            yield relation


def linked_counts(company: Company) -> dict[str, int]:
    """{kind: count} of the records naming ``company`` that a merge would move (for the
    bureau's merge page, which compares the two records)."""
    counts = {}
    for relation in _moved_relations():
        count = relation.related_model._base_manager.filter(**{relation.field.name: company}).count()
        if count:
            label = str(relation.related_model._meta.verbose_name)
            counts[label] = counts.get(label, 0) + count
    return counts


@transaction.atomic
def merge_companies(user, keep: Company, duplicate: Company, *, reason: str = "") -> Company:
    """Fold ``duplicate`` into ``keep``: every record that names the duplicate (projects,
    contacts, subsidiaries, and whatever later apps point at a company) moves to ``keep``,
    each row saved and so audited; the duplicate's name and former names become former
    names of ``keep`` (so a ledger that still writes the old spelling finds ``keep``), its
    credit code and any profile field ``keep`` lacks move over; the duplicate stays,
    marked ``merged_into``, with its history. Bureau only."""
    if user.role != "bureau":
        raise PermissionDenied("只有招商局可以合并企业。")
    if keep.pk == duplicate.pk:
        raise ValidationError("不能将企业与自身合并。")
    keep = Company.objects.select_for_update().get(pk=keep.pk)
    duplicate = Company.objects.select_for_update().get(pk=duplicate.pk)
    for company in (keep, duplicate):
        if company.merged_into_id:
            raise ValidationError(f"企业「{company.name}」已合并至其他企业。")
    moved = {}
    for relation in _moved_relations():
        name = relation.field.name
        rows = relation.related_model._base_manager.filter(**{name: duplicate})
        if relation.related_model is Company:
            rows = rows.exclude(pk=keep.pk)
        count = 0
        for row in rows:
            setattr(row, name, keep)
            if hasattr(row, "version"):
                row.version += 1  # an edit form opened before the merge is now stale
            row.save()
            count += 1
        if count:
            label = str(relation.related_model._meta.verbose_name)
            moved[label] = moved.get(label, 0) + count
    if keep.parent_id == duplicate.pk:
        keep.parent = duplicate.parent if duplicate.parent_id != keep.pk else None
    code = None
    if duplicate.uscc and not keep.uscc:
        code, duplicate.uscc = duplicate.uscc, None
    keep.former_names = [*keep.former_names, duplicate.name, *duplicate.former_names]
    # The origin is one field or the other (Company.clean): taken whole from the duplicate,
    # only when the survivor has none.
    if not (keep.home_division_id or keep.abroad):
        keep.home_division_id, keep.abroad = duplicate.home_division_id, duplicate.abroad
    for name in MERGE_FILLED_FIELDS:
        value = getattr(duplicate, name)
        if getattr(keep, name) in (None, "") and value not in (None, "") and value != keep:
            setattr(keep, name, value)
    if duplicate.local_status == LocalStatus.LOCAL:
        keep.local_status = LocalStatus.LOCAL  # settled here under either record: settled here
    keep.flags = list(dict.fromkeys([*keep.flags, *duplicate.flags]))
    duplicate.merged_into = keep
    duplicate.version += 1
    duplicate.save()
    if code:
        keep.uscc = code
    keep.version += 1
    keep.save()
    summary = "、".join(f"{label} {count} 条" for label, count in moved.items()) or "无关联记录"
    detail = f"合并重复企业「{duplicate.name}」→「{keep.name}」，转移{summary}。{reason}".strip()
    changes = {"merged": [duplicate.name, keep.name], "moved": moved, "reason": reason}
    AuditLog.record(AuditAction.MERGE, keep, changes=changes, detail=detail, user=user)
    AuditLog.record(AuditAction.MERGE, duplicate, changes=changes, detail=detail, user=user)
    return keep


# Profile fields a merge copies from the duplicate where the survivor has none.
MERGE_FILLED_FIELDS = (
    "nature",
    "industry",
    "parent",
    "global_hq",
    "registered_capital",
    "employee_band",
    "revenue_band",
    "listed_exchange",
    "stock_code",
    "address",
    "website",
)


def _check_company(company: Company) -> None:
    company.derive_fields()
    if not company.name.strip():
        raise ValidationError({"name": "请填写企业名称。"})
    if company.uscc:
        problem = uscc_problem_explained(company.uscc)
        if problem:
            raise ValidationError({"uscc": problem})
        taken = Company.objects.filter(uscc=company.uscc).exclude(pk=company.pk).first()
        if taken is not None:
            raise ValidationError({"uscc": f"该统一社会信用代码已属于企业「{taken.name}」，同一企业只建一条记录。"})


@transaction.atomic
def create_company(user, company: Company) -> Company:
    """A new company entered by hand; an officer's company belongs to their unit."""
    if not Company.access.allows(user, Action.ADD):
        raise PermissionDenied("您没有新增企业的权限。")
    company.created_by_unit = user.unit
    _check_company(company)
    company.save()
    return company


@transaction.atomic
def update_company(user, company: Company, *, expected_version: int) -> Company:
    """Save an edited company; StaleEditError if someone saved it since the form opened."""
    _require_maintainer(user, company.pk, "只有录入该企业的单位（及其上级单位）或招商局可以修改。")
    _check_company(company)
    company.save_versioned(expected_version)
    return company


@transaction.atomic
def save_contact(user, contact: Contact, *, personal: dict[str, str] | None = None) -> Contact:
    """Add or edit a contact kept by a unit in the user's scope. ``personal``: the personal
    fields typed or cleared ({field: value}); the others keep their stored values (edit
    forms never carry a full number back to the browser)."""
    if contact.pk is None and not Contact.access.allows(user, Action.ADD):
        raise PermissionDenied("您没有新增联系人的权限。")
    if contact.keeping_unit_id is None:
        raise ValidationError({"keeping_unit": "请选择维护单位。"})
    from zhaoshang.accounts.models import Unit

    if not Unit.objects.restrict(user).filter(pk=contact.keeping_unit_id).exists():
        raise ValidationError({"keeping_unit": "维护单位须是本单位或下级单位。"})
    for name, value in (personal or {}).items():
        if name not in PersonalField.values:
            raise ValueError(name)
        setattr(contact, name, value)
    if not contact.name.strip():
        raise ValidationError({"name": "请填写联系人姓名。"})
    if contact.kind != ContactKind.NOTABLE:
        contact.native_division = None
    contact.save()
    return contact


def _kept_contact(user, contact_pk, action: str) -> Contact:
    return (
        Contact.objects.restrict(user, action)
        .select_related("company", "keeping_unit", "keeping_officer", "native_division")
        .get(pk=contact_pk)
    )


def reveal_personal(user, contact_pk: int, field_name: str, purpose: str) -> tuple[Contact, str]:
    """One personal field of one contact in full, for someone who may reveal it (the
    keeping unit's subtree, the bureau), with the purpose they stated; the reveal is
    written to the audit log: who saw which field of whom, and why. Contact.DoesNotExist
    when the contact is outside what the user may reveal."""
    if field_name not in PersonalField.values:
        raise ValidationError({"field": "请选择要查看的信息。"})
    purpose = " ".join((purpose or "").split())
    if len(purpose) < 2:
        raise ValidationError({"purpose": "请写明查看目的。"})
    contact = _kept_contact(user, contact_pk, Action.REVEAL)
    label = PersonalField(field_name).label
    AuditLog.record(
        AuditAction.REVEAL,
        contact,
        changes={"field": field_name, "purpose": purpose},
        detail=f"查看联系人「{contact.name}」的完整{label}；目的：{purpose}",
        user=user,
    )
    return contact, getattr(contact, field_name)


# The rows of one person's data as given to them on request (个人信息保护法 第四十五条):
# every field we keep, so a field added later is handed over too; bookkeeping left out.
SUBJECT_FIELDS = tuple(
    field.name
    for field in Contact._meta.concrete_fields
    if field.name not in ("id", "search_text", "silence_reminded_on")
)


def contact_data(user, contact_pk: int, request_note: str) -> tuple[Contact, bytes]:
    """Everything we keep about one person, unmasked, as a workbook to hand to them on
    their request; only for those who may reveal it, and audited with the request."""
    from zhaoshang.core.columns import shown_text
    from zhaoshang.core.export import write_xlsx

    contact = _kept_contact(user, contact_pk, Action.REVEAL)
    rows = []
    for name in SUBJECT_FIELDS:
        field = Contact._meta.get_field(name)
        display = getattr(contact, f"get_{name}_display", None)
        value = display() if display is not None and getattr(contact, name) else getattr(contact, name)
        rows.append((str(field.verbose_name), shown_text(value)))
    AuditLog.record(
        AuditAction.EXPORT,
        contact,
        changes={"request": request_note},
        detail=f"应本人请求导出联系人「{contact.name}」的全部信息；请求：{request_note}",
        user=user,
    )
    return contact, write_xlsx("个人信息", [("项目", 20), ("内容", 60)], rows)


@transaction.atomic
def erase_contact(user, contact_pk: int, request_note: str) -> None:
    """Erase a person's record on their request. The audit row says that a contact with
    this id was erased, by whom, when and on what request, and keeps none of its data
    (not even the name). Contact.DoesNotExist when the user may not delete it."""
    contact = Contact.objects.restrict(user, Action.DELETE).select_for_update().get(pk=contact_pk)
    AuditLog.record(
        AuditAction.DELETE,
        contact,
        changes={"erased": True, "request": request_note},
        detail=f"应本人请求删除联系人（编号 {contact.pk}）的个人信息；请求：{request_note}",
        user=user,
        shown_as=f"已删除的联系人（编号 {contact.pk}）",
    )
    # Not AuditedModel.delete(): that would copy every field into the log.
    models.Model.delete(contact)


@transaction.atomic
def save_interaction(
    user, interaction: Interaction, *, contacts, our_people, expected_version: int | None = None
) -> Interaction:
    """Record or edit a meeting (走访、接待、洽谈) for the user's unit. Their participants
    must be contacts the user may see, and the meeting names a company or a person."""
    if interaction.pk is None:
        if not Interaction.access.allows(user, Action.ADD) or user.unit_id is None:
            raise PermissionDenied("您没有记录走访接待的权限。")
        interaction.unit = user.unit
        interaction.created_by = user
    contacts = list(contacts)
    visible = set(Contact.objects.restrict(user).filter(pk__in=[c.pk for c in contacts]).values_list("pk", flat=True))
    if any(contact.pk not in visible for contact in contacts):
        raise ValidationError({"contacts": "对方人员中有您无权查看的联系人。"})
    if interaction.company_id is None and not contacts:
        raise ValidationError("请填写企业，或勾选对方人员。")
    if interaction.next_contact_on and interaction.next_contact_on < interaction.date:
        raise ValidationError({"next_contact_on": "下次联系日期不能早于本次日期。"})
    if interaction.pk is not None and "next_contact_on" in interaction.__dict__:
        before = getattr(interaction, "_audit_before", {}).get("next_contact_on")
        if before != interaction.next_contact_on:
            interaction.next_contact_reminded = False  # a new date gets its own reminder
    if expected_version is not None:
        interaction.save_versioned(expected_version)  # StaleEditError if someone saved since
    else:
        interaction.save()
    interaction.contacts.set(contacts)
    interaction.our_people.set(list(our_people))
    return interaction


def uscc_problem_explained(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, in words an officer can act on: a wrong
    check character says which character GB 32100 computes from the first 17."""
    code = (code or "").strip().upper()
    problem = uscc_problem(code)
    if problem is None:
        return None
    if problem == "校验位错误":
        expected = uscc_check_character(code[:17])
        return (
            f"统一社会信用代码校验位不符：按 GB 32100 由前 17 位算出的第 18 位应为「{expected}」，"
            f"而填写的是「{code[17]}」。请对照营业执照核对，多为某一位抄错。"
        )
    if problem == "应为 18 位":
        return f"统一社会信用代码应为 18 位，填写的是 {len(code)} 位。"
    return f"统一社会信用代码{problem}（不使用 I、O、Z、S、V）。"


# --- Company and intermediary lists from a unit's spreadsheet ----------------------------------


def match_companies(pairs: list[tuple[str, str]]) -> dict[str, Company]:
    """{company_key: stored live Company} for (name, credit code) pairs, as the ledger finds
    them (credit code, normalised name, former name)."""
    return _match_companies(_wanted(pairs))


@transaction.atomic
def import_companies(user, unit, rows: list[tuple[Company | None, dict]]) -> list[int]:
    """Companies from a unit's list: (the stored company or None, the sheet's values).

    A new one is created owned by ``unit``; a stored one the user maintains takes the
    values the sheet fills (an empty cell clears nothing); one maintained by another unit
    is left as it is (the preview said so). Each save is audited. Returns the new ids."""
    created = []
    for company, values in rows:
        if company is None:
            company = Company(created_by_unit=unit)
        elif not may_maintain(user, company):
            continue
        for name, value in values.items():
            if value not in (None, "", []):
                setattr(company, name, value)
        _check_company(company)
        adding = company.pk is None
        company.save()
        if adding:
            created.append(company.pk)
    return created


def match_intermediaries(names: list[str]) -> dict[str, Intermediary]:
    """{normalised name: stored Intermediary} for the names a list gives."""
    wanted = {normalise_company_name(name) for name in names if name}
    found = {}
    for intermediary in Intermediary.objects.order_by("pk"):
        key = normalise_company_name(intermediary.name)
        if key in wanted:
            found.setdefault(key, intermediary)
    return found


@transaction.atomic
def import_intermediaries(user, unit, rows: list[tuple[Intermediary | None, dict]]) -> list[int]:
    """Intermediaries from a unit's list, as ``import_companies`` does for companies."""
    created = []
    maintained = set(
        Intermediary.objects.restrict(user, Action.CHANGE)
        .filter(pk__in=[stored.pk for stored, _ in rows if stored is not None])
        .values_list("pk", flat=True)
    )
    for intermediary, values in rows:
        if intermediary is None:
            intermediary = Intermediary(created_by_unit=unit)
        elif intermediary.pk not in maintained:
            continue
        for name, value in values.items():
            if value not in (None, ""):
                setattr(intermediary, name, value)
        intermediary.full_clean(exclude=["created_by_unit", "home_division"])
        adding = intermediary.pk is None
        intermediary.save()
        if adding:
            created.append(intermediary.pk)
    return created
