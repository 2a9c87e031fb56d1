from django.db import models


class FundsKind(models.TextChoices):
    DOMESTIC = "domestic", "内资"
    FOREIGN = "foreign", "外资"


class FundsSource(models.TextChoices):
    """Where the money comes from, as bulletins count it."""

    OUTSIDE_CITY = "outside_city", "市外"
    OUTSIDE_PROVINCE = "outside_province", "省外"
    ABROAD = "abroad", "境外"
