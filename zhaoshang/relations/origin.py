"""客商来源: where an investor comes from, relative to the deployment's own division.

The rule (docs/counting-rules.md, 客商来源), with ``settings.HOME_DIVISION`` = H (its city
is H's first 4 digits, its province the first 2; a province-level H has no city of its own,
so 市外 there is 省外):

- 境外: ``Company.abroad`` is set (港澳台 or 国外). The division codes stop at the mainland,
  so only that field says so; an empty home division with nature 外资 says nothing.
- 省外: abroad, or the home division's province is not H's.
- 市外: 省外, or the home division lies in H's province but in another city. A home division
  given only as H's province says nothing about the city: not 市外.
- A named group (``reference.OriginGroup``: 沪苏浙 …): 市外, and the home province — or the
  region abroad (81 香港, 82 澳门, 71 台湾) — is one of its codes. A firm of the deployment's
  own city is never "from" a group.

A company with neither a home division nor ``abroad`` has no origin and matches no filter.
The labels nest (境外 ⊂ 省外 ⊂ 市外), as 「投资方注册地在本省以外」 reads.

``origin_of`` answers for one company; ``origin_q`` is the same rule as a ``Q`` over any
model that reaches the company (``prefix="investor__"`` for projects), so a list, the API
and the statistics filter the same way without loading a row into Python.
"""

from django.conf import settings
from django.db.models import Q

from zhaoshang.reference.choices import DivisionLevel
from zhaoshang.reference.models import OriginGroup

OUTSIDE_CITY, OUTSIDE_PROVINCE, ABROAD = "市外", "省外", "境外"
PLACES = (OUTSIDE_CITY, OUTSIDE_PROVINCE, ABROAD)


def home_codes() -> tuple[str, str | None]:
    """(province code, city code or None for a province-level deployment)."""
    code = settings.HOME_DIVISION
    return code[:2], code[:4] if len(code) >= 4 else None


def _groups() -> dict[str, list[str]]:
    return {group.name: list(group.province_codes) for group in OriginGroup.objects.all()}


def origin_of(company, groups: dict[str, list[str]] | None = None) -> set[str]:
    """The labels of ``company``'s origin: some of 市外 / 省外 / 境外 and the names of the
    origin groups it belongs to. ``groups`` ({name: codes}) saves the query in a loop."""
    if company is None:
        return set()
    province, city = home_codes()
    labels: set[str] = set()
    if company.abroad:
        labels = {ABROAD, OUTSIDE_PROVINCE, OUTSIDE_CITY}
        origin_code = company.abroad
    elif company.home_division_id:
        division = company.home_division
        origin_code = division.province_code
        if division.province_code != province:
            labels = {OUTSIDE_PROVINCE, OUTSIDE_CITY}
        elif city and division.level >= DivisionLevel.PREFECTURE and not division.code.startswith(city):
            labels = {OUTSIDE_CITY}
    if OUTSIDE_CITY in labels:
        for name, codes in (_groups() if groups is None else groups).items():
            if origin_code in codes:
                labels.add(name)
    return labels


def origin_q(label: str, prefix: str = "", groups: dict[str, list[str]] | None = None) -> Q:
    """The rows whose company (at ``prefix``, e.g. "investor__") has ``label`` in its
    ``origin_of``. An unknown label matches nothing."""
    province, city = home_codes()
    # ">" rather than a negation: a project without an investor must not match.
    abroad = Q(**{f"{prefix}abroad__gt": ""})
    division = f"{prefix}home_division__"
    outside_province = abroad | (Q(**{f"{division}isnull": False}) & ~Q(**{f"{division}province_code": province}))
    outside_city = outside_province
    if city:
        outside_city |= Q(
            **{f"{division}province_code": province, f"{division}level__gte": DivisionLevel.PREFECTURE}
        ) & ~Q(**{f"{division}code__startswith": city})
    if label == ABROAD:
        return abroad
    if label == OUTSIDE_PROVINCE:
        return outside_province
    if label == OUTSIDE_CITY:
        return outside_city
    codes = (_groups() if groups is None else groups).get(label)
    if codes is None:
        return Q(pk__in=[])
    return outside_city & (Q(**{f"{prefix}abroad__in": codes}) | Q(**{f"{division}province_code__in": codes}))


def origin_choices() -> list[tuple[str, str]]:
    """The filter's choices: 市外, 省外, 境外, then each group (来自沪苏浙)."""
    return [(label, f"{label}客商") for label in PLACES] + [
        (name, f"来自{name}") for name in OriginGroup.objects.values_list("name", flat=True)
    ]
