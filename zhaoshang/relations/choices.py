from django.db import models


class CompanyNature(models.TextChoices):
    CENTRAL_SOE = "central_soe", "央企"
    LOCAL_SOE = "local_soe", "地方国企"
    PRIVATE = "private", "民企"
    FOREIGN = "foreign", "外资"
    JOINT = "joint", "合资"
    OTHER = "other", "其他"


class CompanyFlag(models.TextChoices):
    """Distinctions that bulletins and assessment bonuses count (世界500强 …)."""

    GLOBAL_500 = "global500", "世界500强"
    CHINA_500 = "china500", "中国500强"
    PRIVATE_500 = "private500", "民营500强"
    LISTED = "listed", "上市公司"
    SPECIALISED = "specialised", "专精特新"
    HIGH_TECH = "high_tech", "高新技术企业"
    CHAIN_LEADER = "chain_leader", "链主企业"


class ContactKind(models.TextChoices):
    """Who a contact is to us: an investor's person (客商), a hometown notable (乡贤) who
    lives and works elsewhere and is kept close by the town they come from, or else."""

    INVESTOR = "investor", "客商"
    NOTABLE = "notable", "乡贤"
    OTHER = "other", "其他"


class ConsentBasis(models.TextChoices):
    """Why we may keep a person's information (个人信息保护法 第十三条)."""

    CONSENT = "consent", "本人同意"
    BUSINESS = "business", "工作往来中本人提供"
    PUBLIC = "public", "本人已公开的信息"
    OTHER = "other", "其他合法来源"


class PersonalField(models.TextChoices):
    """A contact's fields that are personal information: masked on every page, list,
    export and search result; revealed one at a time, with a purpose, audited."""

    PHONE = "phone", "手机号"
    OFFICE_PHONE = "office_phone", "办公电话"
    WECHAT = "wechat", "微信号"
    ID_NUMBER = "id_number", "证件号码"


class LocalStatus(models.TextChoices):
    """Whether the firm is already one of ours (存量企业, whose reinvestment counts) or not."""

    LOCAL = "local", "已落户本地的存量企业"
    EXTERNAL = "external", "外地企业"


class EmployeeBand(models.TextChoices):
    UNDER_50 = "lt50", "50 人以下"
    UNDER_300 = "50_299", "50–299 人"
    UNDER_1000 = "300_999", "300–999 人"
    UNDER_5000 = "1000_4999", "1000–4999 人"
    OVER_5000 = "ge5000", "5000 人及以上"


class RevenueBand(models.TextChoices):
    """Annual operating revenue (营业收入)."""

    UNDER_20M = "lt2000", "2000 万元以下"
    UNDER_100M = "2000_1e4", "2000 万–1 亿元"
    UNDER_1B = "1e4_1e5", "1–10 亿元"
    UNDER_10B = "1e5_1e6", "10–100 亿元"
    OVER_10B = "ge1e6", "100 亿元及以上"


class Exchange(models.TextChoices):
    SSE = "sse", "上海证券交易所"
    SZSE = "szse", "深圳证券交易所"
    BSE = "bse", "北京证券交易所"
    HKEX = "hkex", "香港联合交易所"
    NYSE = "nyse", "纽约证券交易所"
    NASDAQ = "nasdaq", "纳斯达克"
    OTHER = "other", "其他交易所"


class InteractionKind(models.TextChoices):
    """走访、接待、洽谈: how we met the firm or the person."""

    VISIT = "visit", "外出拜访"
    RECEPTION = "reception", "来访接待"
    CALL = "call", "电话/视频"
    FORUM = "forum", "座谈会"
    INSPECTION = "inspection", "考察"


class LeaderLevel(models.TextChoices):
    """The highest level of our leaders who took part: what bulletins count as 高位推动."""

    NONE = "", "无领导参加"
    TOWN = "town", "乡镇（部门）领导"
    COUNTY = "county", "县（区）领导"
    CITY = "city", "市领导"
    PROVINCE = "province", "省领导"


class IntermediaryKind(models.TextChoices):
    CHAMBER = "chamber", "商会"
    REGIONAL_CHAMBER = "regional_chamber", "异地商会"
    ASSOCIATION = "association", "行业协会"
    AGENCY = "agency", "招商代理机构"
    CONSULTANCY = "consultancy", "咨询机构"
    BANK = "bank", "银行/投资银行"
    LAW_FIRM = "law_firm", "律师事务所"
    ACCOUNTING = "accounting", "会计师事务所"


class Abroad(models.TextChoices):
    """Where an investor from outside the mainland is based (境外). The statistical division
    codes (``reference.Division``) stop at the mainland's 31 provinces, so a firm from 香港
    or Singapore has no home division; this field says where it is from. 港澳台 carry
    their GB/T 2260 code for the origin groups (粤港澳 = 44, 81, 82)."""

    HONG_KONG = "81", "香港"
    MACAO = "82", "澳门"
    TAIWAN = "71", "台湾"
    FOREIGN = "foreign", "国外"
