"""Companies (investors, 客商) and their contacts. Minimal for the project library; the
relationship features (乡贤, 中介, trips, campaigns) grow here later."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from zhaoshang.core.access import PersonalRecords, SharedRegistry, UnitScoped
from zhaoshang.core.masking import mask_id_number, mask_phone
from zhaoshang.core.models import AuditedModel, RestrictedManager, VersionedModel
from zhaoshang.core.search import build_search_text
from zhaoshang.core.validators import validate_uscc
from zhaoshang.relations.choices import (
    Abroad,
    CompanyFlag,
    CompanyNature,
    ConsentBasis,
    ContactKind,
    EmployeeBand,
    Exchange,
    InteractionKind,
    IntermediaryKind,
    LeaderLevel,
    LocalStatus,
    PersonalField,
    RevenueBand,
)
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
    abroad = models.CharField(
        "境外来源",
        max_length=10,
        choices=Abroad.choices,
        blank=True,
        help_text="总部在境外（港澳台或国外）的企业选此项，来源地留空；统计为境外、省外、市外客商。",
    )
    former_names = models.JSONField("曾用名", default=list, blank=True)
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name="国民经济行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="GB/T 4754-2017 门类或大类。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="母公司",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    global_hq = models.CharField("全球总部", max_length=200, blank=True, help_text="集团总部名称及所在国家/地区")
    registered_capital = models.DecimalField("注册资本（万元）", max_digits=18, decimal_places=4, null=True, blank=True)
    employee_band = models.CharField("员工规模", max_length=20, choices=EmployeeBand.choices, blank=True)
    revenue_band = models.CharField("营业收入规模", max_length=20, choices=RevenueBand.choices, blank=True)
    listed_exchange = models.CharField("上市交易所", max_length=20, choices=Exchange.choices, blank=True)
    stock_code = models.CharField("股票代码", max_length=20, blank=True)
    local_status = models.CharField(
        "本地状态", max_length=20, choices=LocalStatus.choices, default=LocalStatus.EXTERNAL
    )
    address = models.CharField("地址", max_length=200, blank=True)
    website = models.CharField("网站", max_length=200, blank=True)
    # A merged duplicate stays (its history, its audit rows) and points at the survivor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )
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

    def clean(self):
        super().clean()
        # One origin: a mainland division or abroad, never both (relations.origin counts it).
        if self.abroad and self.home_division_id:
            raise ValidationError({"abroad": "境外企业不填境内来源地：请清空「来源地」或「境外来源」其中之一。"})

    def derive_fields(self) -> None:
        self.uscc = (self.uscc or "").strip().upper() or None
        self.normalised_name = normalise_company_name(self.name)
        self.former_names = list(dict.fromkeys(name.strip() for name in self.former_names or [] if name.strip()))
        if self.listed_exchange and CompanyFlag.LISTED not in self.flags:
            self.flags = [*self.flags, CompanyFlag.LISTED.value]
        self.search_text = build_search_text(self.name, self.uscc or "", self.stock_code, *self.former_names)

    def save(self, *args, **kwargs):
        self.derive_fields()
        before = getattr(self, "_audit_before", {})
        renamed = self.pk is not None and before.get("name") not in (None, self.name)
        renamed_before = self.pk is None or before.get("former_names", []) != self.former_names
        super().save(*args, **kwargs)
        if renamed_before:
            self.former_keys.all().delete()
            FormerName.objects.bulk_create(
                FormerName(company=self, normalised_name=key)
                for key in dict.fromkeys(normalise_company_name(name) for name in self.former_names)
                if key and key != self.normalised_name
            )
        if renamed:
            # Projects search by their investor's name: keep their search text current.
            for project in self.projects.all():
                project.save()

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    def flag_labels(self) -> list[str]:
        labels = dict(CompanyFlag.choices)
        return [labels.get(flag, flag) for flag in self.flags]


def masked_value(field: str, value: str) -> str:
    """A contact's personal field as shown anywhere (pages, exports, an import's preview)."""
    if field in (PersonalField.PHONE, PersonalField.OFFICE_PHONE):
        return mask_phone(value)
    return mask_id_number(value)


class FormerName(models.Model):
    """A company's former name, normalised, indexed: what finds "深圳安泰电子" when the firm
    is now "安泰科技". Derived from ``Company.former_names`` on every save (the audited
    list), so it is not audited itself."""

    company = models.ForeignKey(Company, verbose_name="企业", on_delete=models.CASCADE, related_name="former_keys")
    normalised_name = models.CharField("规范化曾用名", max_length=200, db_index=True)

    access = SharedRegistry("company__created_by_unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "企业曾用名"
        verbose_name_plural = "企业曾用名"

    def __str__(self):
        return self.normalised_name


class Intermediary(VersionedModel, AuditedModel):
    """A chamber of commerce, association, agency, bank or firm that brings investors to
    us (中介机构), with the regions and sectors it reaches. A shared list, as companies
    are: the bureau changes any, an officer those their unit's subtree entered."""

    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("类型", max_length=30, choices=IntermediaryKind.choices)
    home_division = models.ForeignKey(
        "reference.Division", verbose_name="所在地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regions = models.CharField("覆盖地区", max_length=200, blank=True, help_text="如：长三角、粤港澳大湾区")
    sectors = models.CharField("重点行业", max_length=200, blank=True, help_text="如：电子信息、新能源汽车")
    address = models.CharField("地址", max_length=200, blank=True)
    website = models.CharField("网站", max_length=200, blank=True)
    remarks = models.TextField("备注", blank=True)
    created_by_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="录入单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)

    access = SharedRegistry("created_by_unit")
    audit_ignored_fields = ("search_text",)

    class Meta:
        verbose_name = "中介机构"
        verbose_name_plural = "中介机构"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = build_search_text(self.name, self.regions, self.sectors)
        super().save(*args, **kwargs)


class PromotionAgreement(VersionedModel, AuditedModel):
    """委托招商协议: a unit entrusts an intermediary with bringing investors, for a scope and
    a period, on fee or reward terms; its results are recorded as they come."""

    intermediary = models.ForeignKey(
        Intermediary, verbose_name="中介机构", on_delete=models.PROTECT, related_name="agreements"
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name="委托单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("协议名称", max_length=200)
    scope = models.TextField("委托范围", help_text="行业、地区、项目类型等")
    start_on = models.DateField("起始日期")
    end_on = models.DateField("截止日期")
    fee_terms = models.TextField("费用条款", blank=True, help_text="固定费用、按阶段支付等")
    reward_terms = models.TextField(
        "奖励条款", blank=True, help_text="如：项目签约且投产后按实际到位资金的一定比例奖励"
    )
    fee_amount = models.DecimalField("约定费用（万元）", max_digits=18, decimal_places=4, null=True, blank=True)
    results = models.TextField("工作成效", blank=True, help_text="推荐的企业、促成的项目及进展")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    access = UnitScoped("unit")

    class Meta:
        verbose_name = "委托招商协议"
        verbose_name_plural = "委托招商协议"
        ordering = ["-start_on", "-pk"]

    def __str__(self):
        return self.title


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
    intermediary = models.ForeignKey(
        Intermediary, verbose_name="中介机构", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
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
    is_key = models.BooleanField("重点联系", default=False, help_text="长期未走访、未联系时提醒联络责任人。")
    created_at = models.DateTimeField("录入时间", auto_now_add=True, null=True)
    # When the keeping officer was last told this key contact has not been met: one
    # reminder per silence, not one a day. Bookkeeping, not audited.
    silence_reminded_on = models.DateField("长期未联系提醒日期", null=True, blank=True, editable=False)
    # Names, company, place and sector with their pinyin; never a number or an id, so a
    # search cannot be used to test whose phone is whose.
    search_text = models.TextField("检索文本", blank=True, editable=False)

    access = PersonalRecords("keeping_unit")
    # The auditor reads the log, not phone books: a changed number shows as changed, not as itself.
    audit_masked_fields = tuple(PersonalField.values)
    audit_ignored_fields = ("search_text", "silence_reminded_on")

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["name", "pk"]
        # The list's order: a page of the bureau's 500,000 contacts (or of a search's
        # matches) is read along it instead of sorting them all.
        indexes = [models.Index(fields=["name", "id"], name="contact_list_order")]

    def __str__(self):
        return f"{self.name}（{self.company}）" if self.company_id else self.name

    def save(self, *args, **kwargs):
        self.search_text = build_search_text(
            self.name,
            self.company.name if self.company_id else "",
            self.intermediary.name if self.intermediary_id else "",
            self.title,
            self.workplace,
            self.residence,
        )
        super().save(*args, **kwargs)

    def masked(self, field: str) -> str:
        """A personal field as every page shows it: 138****5678, 44**************12."""
        return masked_value(field, getattr(self, field))

    @property
    def masked_phone(self) -> str:
        return self.masked(PersonalField.PHONE)

    def personal_values(self) -> list[tuple[str, str, str]]:
        """(field, label, masked value) of the personal fields that hold something."""
        return [(name, label, self.masked(name)) for name, label in PersonalField.choices if getattr(self, name)]


class Interaction(VersionedModel, AuditedModel):
    """A meeting with a firm or a person (走访、接待、洽谈), not only about a project: who
    of ours went (and the highest leader), whom of theirs we met, what they said and
    asked, what comes next. The recording unit's subtree, the bureau and leaders see it."""

    kind = models.CharField("方式", max_length=20, choices=InteractionKind.choices)
    date = models.DateField("日期", db_index=True)
    unit = models.ForeignKey("accounts.Unit", verbose_name="记录单位", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        Company, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions"
    )
    contacts = models.ManyToManyField(Contact, verbose_name="对方人员", blank=True, related_name="interactions")
    our_people = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="我方人员", blank=True, related_name="+")
    our_people_text = models.CharField("我方其他人员", max_length=200, blank=True, help_text="不在系统中的领导或同事")
    leader_level = models.CharField("领导参加", max_length=20, choices=LeaderLevel.choices, blank=True)
    content = models.TextField("交流内容")
    requests = models.TextField("对方诉求", blank=True)
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_contact_on = models.DateField("下次联系日期", null=True, blank=True, db_index=True)
    # 来访接待: who received the visitors and what they saw.
    received_by = models.CharField("接待人员", max_length=200, blank=True)
    sites_seen = models.CharField("考察点位", max_length=300, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="相关项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    # Whether the next-contact reminder went out (relations.reminders); bookkeeping.
    next_contact_reminded = models.BooleanField("已提醒下次联系", default=False, editable=False)

    access = UnitScoped("unit")
    audit_ignored_fields = ("next_contact_reminded",)

    class Meta:
        verbose_name = "走访接待"
        verbose_name_plural = "走访接待"
        ordering = ["-date", "-pk"]

    def __str__(self):
        who = self.company.name if self.company_id else "联系人"
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}（{who}）"
