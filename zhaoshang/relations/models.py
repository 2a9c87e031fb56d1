"""Companies (investors, 客商) and their contacts. Minimal for the project library; the
relationship features (乡贤, 中介, trips, campaigns) grow here later."""

from django.conf import settings
from django.db import models

from zhaoshang.core.access import PersonalRecords, SharedRegistry
from zhaoshang.core.masking import mask_id_number, mask_phone
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.core.search import build_search_text
from zhaoshang.core.validators import validate_uscc
from zhaoshang.relations.choices import CompanyFlag, CompanyNature, ConsentBasis, ContactKind, PersonalField
from zhaoshang.relations.normalise import normalise_company_name


class Company(VersionedModel, AuditedModel):
    """An investor or signing party. One firm, one record, whichever unit met it first."""

    name = models.CharField("企业名称", max_length=200)
    normalised_name = models.CharField("规范化名称", max_length=200, editable=False, db_index=True)
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_uscc],
        help_text="18 位，按 GB 32100 校验；境外企业可不填。",
    )
    nature = models.CharField("企业性质", max_length=20, choices=CompanyNature.choices, blank=True)
    flags = models.JSONField("企业标签", default=list, blank=True, help_text="世界500强、上市公司、专精特新等")
    home_division = models.ForeignKey(
        "reference.Division",
        verbose_name="来源地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="企业总部所在地，用于「客商来源」地图。",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    website = models.CharField("网站", max_length=200, blank=True)
    remarks = models.TextField("备注", blank=True)
    created_by_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="录入单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)

    access = SharedRegistry("created_by_unit")
    audit_choices = {"flags": CompanyFlag.choices}

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_fields()
        renamed = self.pk is not None and getattr(self, "_audit_before", {}).get("name") not in (None, self.name)
        super().save(*args, **kwargs)
        if renamed:
            # Projects search by their investor's name: keep their search text current.
            for project in self.projects.all():
                project.save()

    def derive_fields(self) -> None:
        self.uscc = (self.uscc or "").strip().upper() or None
        self.normalised_name = normalise_company_name(self.name)
        self.search_text = build_search_text(self.name, self.uscc or "")

    def flag_labels(self) -> list[str]:
        labels = dict(CompanyFlag.choices)
        return [labels.get(flag, flag) for flag in self.flags]


class Contact(AuditedModel):
    """A person we keep in touch with: someone at a company (客商), a hometown notable
    (乡贤) or another contact. Phones, the WeChat id and an ID number are personal
    information (个人信息保护法): masked on every page, list, export and search result, and
    revealed one field at a time with a stated purpose, each reveal in the audit log. The
    record belongs to its keeping unit: only that unit's subtree, the bureau and leaders
    see it (``PersonalRecords``); another town does not learn it exists."""

    kind = models.CharField("类别", max_length=20, choices=ContactKind.choices, default=ContactKind.INVESTOR)
    company = models.ForeignKey(
        Company, verbose_name="企业", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=30, blank=True)
    office_phone = models.CharField("办公电话", max_length=30, blank=True)
    email = models.EmailField("邮箱", blank=True)
    wechat = models.CharField("微信号", max_length=50, blank=True)
    id_number = models.CharField("证件号码", max_length=30, blank=True)
    # 乡贤: where they come from (a division of our own area), where they are now.
    native_division = models.ForeignKey(
        "reference.Division",
        verbose_name="籍贯（本地）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence = models.CharField("现居住地", max_length=100, blank=True)
    workplace = models.CharField("工作单位及所在地", max_length=200, blank=True)
    sector = models.CharField("所在行业", max_length=100, blank=True)
    standing = models.CharField("身份与影响", max_length=200, blank=True, help_text="如：某商会会长、某集团董事长")
    keeping_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="维护单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    keeping_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联络责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Why we may keep this (PIPL): the basis, where the information came from, and when.
    consent_basis = models.CharField(
        "信息取得依据", max_length=20, choices=ConsentBasis.choices, default=ConsentBasis.BUSINESS
    )
    source = models.CharField("信息来源", max_length=200, blank=True, help_text="如：2024年深圳恳谈会现场交换名片")
    consent_on = models.DateField("取得日期", null=True, blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True, null=True)
    # Names, company, place and sector with their pinyin; never a number or an id, so a
    # search cannot be used to test whose phone is whose.
    search_text = models.TextField("检索文本", blank=True, editable=False)

    access = PersonalRecords("keeping_unit")
    # The auditor reads the log, not phone books: a changed number shows as changed, not as itself.
    audit_masked_fields = tuple(PersonalField.values)
    audit_ignored_fields = ("search_text",)

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.company}）" if self.company_id else self.name

    def save(self, *args, **kwargs):
        self.search_text = build_search_text(
            self.name, self.company.name if self.company_id else "", self.title, self.workplace, self.residence
        )
        super().save(*args, **kwargs)

    def masked(self, field: str) -> str:
        """A personal field as every page shows it: 138****5678, 44**************12."""
        value = getattr(self, field)
        if field in (PersonalField.PHONE, PersonalField.OFFICE_PHONE):
            return mask_phone(value)
        return mask_id_number(value)

    @property
    def masked_phone(self) -> str:
        return self.masked(PersonalField.PHONE)

    def personal_values(self) -> list[tuple[str, str, str]]:
        """(field, label, masked value) of the personal fields that hold something."""
        return [(name, label, self.masked(name)) for name, label in PersonalField.choices if getattr(self, name)]
