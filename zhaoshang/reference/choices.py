from django.db import models


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡级"


class IndustryLevel(models.IntegerChoices):
    SECTION = 1, "门类"
    DIVISION = 2, "大类"


class Sector(models.IntegerChoices):
    """三次产业 (国家统计局《三次产业划分规定》2018)."""

    PRIMARY = 1, "第一产业"
    SECONDARY = 2, "第二产业"
    TERTIARY = 3, "第三产业"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班"


# Provincial-level divisions (GB/T 2260): code, full name, and the short name maps use
# ("浙江", as the vendored ECharts China map names its features). Taiwan, Hong Kong and
# Macao are not in the statistical division codes but are on the map and can be an
# investor's origin.
PROVINCES = [
    ("11", "北京市", "北京"),
    ("12", "天津市", "天津"),
    ("13", "河北省", "河北"),
    ("14", "山西省", "山西"),
    ("15", "内蒙古自治区", "内蒙古"),
    ("21", "辽宁省", "辽宁"),
    ("22", "吉林省", "吉林"),
    ("23", "黑龙江省", "黑龙江"),
    ("31", "上海市", "上海"),
    ("32", "江苏省", "江苏"),
    ("33", "浙江省", "浙江"),
    ("34", "安徽省", "安徽"),
    ("35", "福建省", "福建"),
    ("36", "江西省", "江西"),
    ("37", "山东省", "山东"),
    ("41", "河南省", "河南"),
    ("42", "湖北省", "湖北"),
    ("43", "湖南省", "湖南"),
    ("44", "广东省", "广东"),
    ("45", "广西壮族自治区", "广西"),
    ("46", "海南省", "海南"),
    ("50", "重庆市", "重庆"),
    ("51", "四川省", "四川"),
    ("52", "贵州省", "贵州"),
    ("53", "云南省", "云南"),
    ("54", "西藏自治区", "西藏"),
    ("61", "陕西省", "陕西"),
    ("62", "甘肃省", "甘肃"),
    ("63", "青海省", "青海"),
    ("64", "宁夏回族自治区", "宁夏"),
    ("65", "新疆维吾尔自治区", "新疆"),
    ("71", "台湾省", "台湾"),
    ("81", "香港特别行政区", "香港"),
    ("82", "澳门特别行政区", "澳门"),
]
