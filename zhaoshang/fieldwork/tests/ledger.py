"""A 外出招商台账 as a town's bureau writes it (城关镇, 2026 一季度), for the import tests.

What a clerk's sheet has and the parser must cope with: a merged title row carrying the
year, a 填报单位 line, 序号, one row per firm visited, the same trip spread over several
rows, dates written three ways (2026.3.5, 3月12日-3月14日 with the year only in the title,
4月1日—3日), the leader and title in one cell in full-width brackets, units by their
alias (城关镇人民政府), a unit that is not in the system (县商务局 is no unit of the
personas), a 合计 line and a signature line under the data.
"""

import io

import openpyxl

HEADER = [
    "序号",
    "外出时间",
    "带队领导",
    "组织单位",
    "随行单位",
    "目的地",
    "拜访企业（机构）",
    "洽谈对接情况",
    "取得成效",
    "备注",
]
ROWS = [
    [
        1,
        "2026.3.5",
        "张三（副县长）",
        "城关镇人民政府",
        "河口镇、县商务局",
        "深圳",
        "深圳市华芯电子有限公司",
        "洽谈电子元件扩产，拟在我镇新设基地",
        "获得项目线索",
        "",
    ],
    [
        2,
        "2026.3.5",
        "张三（副县长）",
        "城关镇",
        "",
        "深圳",
        "深圳市电子信息产业商会",
        "座谈，商会推荐3家拟外迁企业",
        "需后续跟进",
        "",
    ],
    [3, "3月12日-3月14日", "李四（镇长）", "", "", "苏州", "苏州精工机械有限公司", "考察生产线", "", "镇长带队"],
    [4, "2026年3月20日", "王五 副镇长", "城关镇", "", "杭州", "杭州云栖科技有限公司", "", "", ""],
    [5, "4月1日—3日", "赵六（镇党委书记）", "城关镇", "", "宁波", "宁波港联物流有限公司", "物流园区选址", "需跟进", ""],
]


def sample_ledger() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "外出招商"
    sheet.append(["城关镇2026年一季度外出招商活动台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["填报单位：城关镇人民政府", None, None, None, None, None, None, "填报时间：2026年4月5日"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet.append(["合计", None, "外出4次，拜访5家"])
    sheet.append(["填报人：刘敏", None, None, "审核人：陈刚"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
