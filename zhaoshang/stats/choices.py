from django.db import models


class Indicator(models.TextChoices):
    """The indicators targets are set for and tables rank by. Each is computed by the
    function of the same name in ``stats.services`` (see INDICATOR_RULES for the rule)."""

    SIGNED_COUNT = "signed_count", "签约项目数"
    SIGNED_BIG_COUNT = "signed_big_count", "亿元以上签约项目数"
    CONTRACTED_INVESTMENT = "contracted_investment", "协议引资额"
    FUNDS_IN_PLACE = "funds_in_place", "到位资金"
    FOREIGN_FUNDS = "foreign_funds", "实际到位外资"
    STARTED_COUNT = "started_count", "开工项目数"
    STARTED_BIG_COUNT = "started_big_count", "亿元以上开工项目数"
    PRODUCTION_COUNT = "production_count", "投产项目数"
    TRIPS = "trips", "外出招商次数"
    TRIPS_SENIOR_LED = "trips_senior_led", "县级及以上领导带队次数"
    TRIPS_INDEPENDENT = "trips_independent", "独立外出次数"
    INTERACTIONS = "interactions", "走访接待次数"
    NEW_KEY_INVESTORS = "new_key_investors", "新增重点客商"
    XIANGXIAN_NETWORK = "xiangxian_network", "乡贤人数"


INDICATOR_UNITS = {
    Indicator.SIGNED_COUNT: "个",
    Indicator.SIGNED_BIG_COUNT: "个",
    Indicator.CONTRACTED_INVESTMENT: "万元",
    Indicator.FUNDS_IN_PLACE: "万元",
    Indicator.FOREIGN_FUNDS: "万美元",
    Indicator.STARTED_COUNT: "个",
    Indicator.STARTED_BIG_COUNT: "个",
    Indicator.PRODUCTION_COUNT: "个",
    Indicator.TRIPS: "次",
    Indicator.TRIPS_SENIOR_LED: "次",
    Indicator.TRIPS_INDEPENDENT: "次",
    Indicator.INTERACTIONS: "次",
    Indicator.NEW_KEY_INVESTORS: "人",
    Indicator.XIANGXIAN_NETWORK: "人",
}
MONEY_INDICATORS = {Indicator.CONTRACTED_INVESTMENT, Indicator.FUNDS_IN_PLACE, Indicator.FOREIGN_FUNDS}
# Counted over outbound trips (fieldwork), not projects: in the monthly roll-up
# (stats.tripfacts), no drill-down to projects; a trip several units of a subtree took part
# in counts once for it.
TRIP_INDICATORS = {Indicator.TRIPS, Indicator.TRIPS_SENIOR_LED, Indicator.TRIPS_INDEPENDENT}
# Counted over the relationship network (relations: interactions, contacts), each row for
# one unit; computed from the rows on every read (one grouped count), no drill-down.
RELATION_INDICATORS = {Indicator.INTERACTIONS, Indicator.NEW_KEY_INVESTORS, Indicator.XIANGXIAN_NETWORK}
# Indicators with no projects behind them (no drill-down to projects).
NOT_PROJECT_INDICATORS = TRIP_INDICATORS | RELATION_INDICATORS
# The project indicators: what the bulletins' tables and the demo's targets are about.
PROJECT_INDICATORS = [indicator for indicator in Indicator if indicator not in NOT_PROJECT_INDICATORS]
# The statistics table's columns unless asked otherwise: every indicator read from the
# monthly roll-up (projects and trips); the relationship network's are ticked when wanted.
TABLE_INDICATORS = [indicator for indicator in Indicator if indicator not in RELATION_INDICATORS]
