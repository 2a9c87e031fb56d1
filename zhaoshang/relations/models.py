"""Companies (investors, 客商) and their contacts. Minimal for the project library; the
relationship features (乡贤, 中介, trips, campaigns) grow here later."""

from django.db import models

from zhaoshang.core.access import SharedRegistry
from zhaoshang.core.masking import mask_phone
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.core.search import build_search_text
from zhaoshang.core.validators import validate_uscc
from zhaoshang.relations.choices import CompanyFlag, CompanyNature
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
    """A person at a company. The phone number is personal information (个人信息保护法):
    masked everywhere unless revealed by someone allowed, and each reveal is logged."""

    company = models.ForeignKey(Company, verbose_name="企业", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=30, blank=True)
    email = models.EmailField("邮箱", blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)

    access = SharedRegistry("company__created_by_unit")
    # The auditor reads the log, not phone books: a changed number shows as changed, not as itself.
    audit_masked_fields = ("phone",)

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["company", "name"]

    def __str__(self):
        return f"{self.name}（{self.company}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
