"""The import of a unit's contact list (客商、乡贤名单) on the one import pipeline: the
people a unit keeps, with their companies, from the spreadsheet it already has.

Each row is a person, kept by the unit chosen on the upload form. A row naming a company
links it (by credit code, name or former name) or creates it, as the project ledger does
(relations.services.companies_for). A person already kept by the unit (same name at the
same company) is updated where the sheet says something new; nothing is ever cleared by
an empty cell. The preview masks phones and WeChat ids like every other page."""

from zhaoshang.core.choices import Action
from zhaoshang.core.limits import field_limit_problems
from zhaoshang.core.parsing import normalise_text
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.spec import ImportSpec, register
from zhaoshang.relations.choices import ContactKind
from zhaoshang.relations.forms import check_personal, local_divisions
from zhaoshang.relations.models import Contact, masked_value
from zhaoshang.relations.normalise import normalise_company_name
from zhaoshang.relations.services import companies_for, company_key, save_contact

KIND_WORDS = {
    "客商": ContactKind.INVESTOR,
    "乡贤": ContactKind.NOTABLE,
    "其他": ContactKind.OTHER,
    "": ContactKind.INVESTOR,
}
TEXT_FIELDS = ("title", "email", "residence", "workplace", "sector", "standing", "source", "remarks")
PERSONAL = ("phone", "wechat")
UPDATED = (*TEXT_FIELDS, *PERSONAL, "kind", "native_division_id")


def _text(cell) -> str:
    """A cell as text; a phone typed as a number (13812345678.0) loses its decimal point."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return normalise_text(cell)


class ContactListImport(ImportSpec):
    kind = "contacts"
    title = "客商与乡贤名单"
    noun = "人"
    model = Contact
    action = Action.ADD
    synonyms = {
        "name": ["姓名", "联系人", "联系人姓名"],
        "kind": ["类别", "人员类别"],
        "company": ["企业名称", "所在企业", "公司名称", "企业"],
        "uscc": ["统一社会信用代码", "信用代码"],
        "title": ["职务", "职位"],
        "phone": ["手机号", "手机", "联系电话", "电话"],
        "wechat": ["微信号", "微信"],
        "email": ["邮箱", "电子邮箱"],
        "native": ["籍贯", "家乡"],
        "residence": ["现居住地", "居住地"],
        "workplace": ["工作单位及所在地", "工作单位", "工作地"],
        "sector": ["所在行业", "行业"],
        "standing": ["身份与影响", "社会职务", "身份"],
        "source": ["信息来源", "来源"],
        "remarks": ["备注"],
    }
    required = ("name",)
    columns = (
        ("name", "姓名"),
        ("kind", "类别"),
        ("company", "企业"),
        ("title", "职务"),
        ("phone", "手机号"),
        ("wechat", "微信号"),
        ("native", "籍贯"),
        ("source", "信息来源"),
    )
    intro = (
        "上传本单位维护的客商、乡贤名单（Excel/WPS/CSV）。系统逐行校验并预览；确认无误后一次性全部导入，"
        "有错误的行须修正或明确排除。名单中的人员由所选单位维护，只有该单位（及上级）、招商局和领导能看到；"
        "手机号、微信号在预览和各页面中一律隐藏显示。同一文件重复导入不会重复登记。"
    )
    preview_note = "手机号、微信号已隐藏显示。"

    def parse_row(self, row, cells, label):
        values = row.values
        values["name"] = _text(cells.get("name"))
        if not values["name"]:
            row.errors[label("name")] = "必填"
        kind = _text(cells.get("kind")).replace(" ", "")
        values["kind"] = KIND_WORDS.get(kind)
        if values["kind"] is None:
            row.errors[label("kind")] = f"无法识别的类别「{kind}」，应为客商、乡贤或其他"
        values["company"] = _text(cells.get("company"))
        values["uscc"] = _text(cells.get("uscc")).upper()
        for name in (*TEXT_FIELDS, *PERSONAL, "native"):
            values[name] = _text(cells.get(name))
        for name in PERSONAL:
            if values[name] and (problem := check_personal(name, values[name])):
                row.errors[label(name)] = problem
        for name, reason in field_limit_problems(Contact, {k: values[k] for k in ("name", *TEXT_FIELDS)}).items():
            row.errors.setdefault(label(name), reason)

    def resolve(self, user, unit, parsed):
        natives = {division.name: division.pk for division in local_divisions(user)}
        kept = {}
        for contact in (
            Contact.objects.restrict(user, Action.CHANGE).filter(keeping_unit=unit).select_related("company")
        ):
            kept[(contact.name, contact.company.normalised_name if contact.company_id else "")] = contact
        seen = {}
        for row in parsed.rows:
            values = row.values
            if values.get("native"):
                values["native_division_id"] = natives.get(values["native"])
                if values["native_division_id"] is None:
                    row.errors[parsed.column_label("native")] = f"「{values['native']}」不是本地的县（区）或乡镇"
            else:
                values["native_division_id"] = None
            if row.errors:
                continue
            key = (values["name"], normalise_company_name(values["company"]) if values["company"] else "")
            if key in seen:
                row.errors[parsed.column_label("name")] = f"与第{seen[key]}行重复"
                continue
            seen[key] = row.number
            stored = kept.get(key)
            row.contact_id = stored.pk if stored else None
            if stored is None:
                row.action = RowAction.CREATE
            elif any(values.get(name) not in (None, "") and values[name] != getattr(stored, name) for name in UPDATED):
                row.action = RowAction.UPDATE
            else:
                row.action = RowAction.UNCHANGED

    def cell(self, row, name):
        values = row.values
        if name in PERSONAL:
            return masked_value(name, values.get(name, ""))
        if name == "kind":
            return ContactKind(values["kind"]).label if values.get("kind") else ""
        return super().cell(row, name)

    def save(self, user, batch, rows):
        unit = batch.unit
        pairs = [(row.values["company"], row.values["uscc"]) for row in rows if row.values.get("company")]
        companies = companies_for(user, pairs, unit) if pairs else {}
        stored = Contact.objects.restrict(user, Action.CHANGE).in_bulk(
            [row.contact_id for row in rows if getattr(row, "contact_id", None)]
        )
        created = []
        for row in rows:
            values = row.values
            contact = stored.get(getattr(row, "contact_id", None)) or Contact(keeping_unit=unit, name=values["name"])
            if values.get("company"):
                contact.company = companies[company_key(values["company"], values["uscc"])]
            for name in (*TEXT_FIELDS, "kind", "native_division_id"):
                if values.get(name) not in (None, ""):
                    setattr(contact, name, values[name])
            personal = {name: values[name] for name in PERSONAL if values.get(name)}
            adding = contact.pk is None
            save_contact(user, contact, personal=personal)
            if adding:
                created.append(contact.pk)
        return {"created_ids": created}


CONTACT_LIST = register(ContactListImport())
