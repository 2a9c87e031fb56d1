"""Finding investors: one firm, one record, whichever unit met it first."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog, record_created
from zhaoshang.core.parsing import normalise_text
from zhaoshang.core.validators import uscc_check_character, uscc_problem
from zhaoshang.relations.models import Company, Contact
from zhaoshang.relations.normalise import normalise_company_name


def company_key(name: str, uscc: str) -> str:
    return (uscc or "").strip().upper() or normalise_company_name(name)


@transaction.atomic
def companies_for(pairs: list[tuple[str, str]], unit) -> dict[str, Company]:
    """{company_key: Company} for (name, credit code) pairs: found by credit code, then by
    normalised name, and created in bulk (with their audit rows) when neither matches.
    A found company without a code gets the code it was given."""
    wanted = {}
    for name, uscc in pairs:
        if name or uscc:
            wanted.setdefault(company_key(name, uscc), (normalise_text(name), (uscc or "").strip().upper()))
    codes = [uscc for _, uscc in wanted.values() if uscc]
    names = {normalise_company_name(name) for name, _ in wanted.values() if name}
    by_code = {company.uscc: company for company in Company.objects.filter(uscc__in=codes)} if codes else {}
    by_name = {}
    for company in Company.objects.filter(normalised_name__in=names).order_by("pk"):
        by_name.setdefault(company.normalised_name, company)
    found, missing = {}, []
    for key, (name, uscc) in wanted.items():
        company = by_code.get(uscc) if uscc else None
        if company is None and name:
            company = by_name.get(normalise_company_name(name))
            if company is not None and uscc and not company.uscc and uscc not in by_code:
                company.uscc = uscc
                company.save()
                by_code[uscc] = company
        if company is None:
            company = Company(name=name or uscc, uscc=uscc or None, created_by_unit=unit)
            company.derive_fields()
            missing.append(company)
            if company.uscc:
                by_code[company.uscc] = company
            by_name.setdefault(company.normalised_name, company)
        found[key] = company
    Company.objects.bulk_create(missing, batch_size=2000)
    record_created(missing)
    return found


# --- companies and contacts edited on their pages -------------------------------------


@dataclass
class CompanyHint:
    """A stored company that looks like the one being typed, and why."""

    company: Company
    reasons: list[str] = field(default_factory=list)

    @property
    def same_code(self) -> bool:
        return "统一社会信用代码相同" in self.reasons


def find_similar_companies(name: str, uscc: str = "", *, exclude_pk=None) -> list[CompanyHint]:
    """Companies with the same credit code or the same normalised name ("深圳安泰电子元件
    有限公司" and "深圳安泰电子元件（有限公司）" are one firm). Companies are a shared
    registry, so every business user may be told which ones exist."""
    uscc = (uscc or "").strip().upper()
    key = normalise_company_name(name) if (name or "").strip() else ""
    condition = Q()
    if uscc:
        condition |= Q(uscc=uscc)
    if key:
        condition |= Q(normalised_name=key)
    if not condition:
        return []
    candidates = Company.objects.filter(condition).select_related("created_by_unit").order_by("pk")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    hints = []
    for candidate in candidates[:20]:
        reasons = []
        if uscc and candidate.uscc == uscc:
            reasons.append("统一社会信用代码相同")
        if key and candidate.normalised_name == key:
            reasons.append("企业名称相同（忽略“有限公司”、括号、空格等）")
        hints.append(CompanyHint(candidate, reasons))
    hints.sort(key=lambda hint: not hint.same_code)
    return hints


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
    if not Company.objects.restrict(user, Action.CHANGE).filter(pk=company.pk).exists():
        raise PermissionDenied("只有录入该企业的单位或招商局可以修改。")
    _check_company(company)
    company.save_versioned(expected_version)
    return company


@transaction.atomic
def save_contact(user, contact: Contact, *, new_phone: str | None = None) -> Contact:
    """Add or edit a contact of a company the user may change. ``new_phone`` None keeps
    the stored number (edit forms never carry the full number back to the browser)."""
    if not Company.objects.restrict(user, Action.CHANGE).filter(pk=contact.company_id).exists():
        raise PermissionDenied("只有录入该企业的单位或招商局可以维护联系人。")
    if new_phone is not None:
        contact.phone = new_phone
    if not contact.name.strip():
        raise ValidationError({"name": "请填写联系人姓名。"})
    contact.save()
    return contact


def reveal_phone(user, contact_pk: int) -> Contact:
    """The contact with its full number, for someone allowed to see it; the reveal is
    written to the audit log (who saw whose number). Contact.DoesNotExist when the contact
    is outside what the user may reveal."""
    contact = Contact.objects.restrict(user, Action.REVEAL).select_related("company").get(pk=contact_pk)
    AuditLog.record(
        AuditAction.REVEAL,
        contact,
        changes={"field": "phone"},
        detail=f"查看联系人「{contact.name}」（{contact.company.name}）的完整手机号",
        user=user,
    )
    return contact


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
