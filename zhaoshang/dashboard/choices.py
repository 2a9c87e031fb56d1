from django.db import models

from zhaoshang.reference.choices import PROVINCES
from zhaoshang.stats.choices import Indicator


class PeriodKind(models.TextChoices):
    """The periods the dashboard offers: all whole months of one year."""

    YEAR_TO_DATE = "ytd", "1月至所选月（累计）"
    MONTH = "month", "单月"
    QUARTER = "quarter", "季度"
    YEAR = "year", "全年"


# The KPI cards, in the order bulletins list them.
KPI_INDICATORS = [
    Indicator.SIGNED_COUNT,
    Indicator.SIGNED_BIG_COUNT,
    Indicator.CONTRACTED_INVESTMENT,
    Indicator.FUNDS_IN_PLACE,
    Indicator.FOREIGN_FUNDS,
    Indicator.STARTED_COUNT,
    Indicator.PRODUCTION_COUNT,
]

# Province code (first two digits of a division code) → the feature name in the vendored
# ECharts China map (static/vendor/echarts-china-map/china.js).
PROVINCE_MAP_NAMES = {code: short for code, _, short in PROVINCES}
PROVINCE_NAMES = {code: name for code, name, _ in PROVINCES}
