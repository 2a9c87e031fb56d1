"""签约活动 and 签约文书 in the project ledger (imports.ledger_columns): a ledger row names the
campaign its project was signed at and the document signed.

A campaign is found by its name among the campaigns the importing user reads; one not
registered yet is created at the commit as a DRAFT campaign of the importing unit (its
start the earliest signing date the ledger gives it), and the preview says so. A project
already registered at another campaign is an error (a project is signed at one campaign);
one registered at this campaign with the same document changes nothing, so importing the
same ledger again changes nothing.
"""

from django.utils import timezone

from zhaoshang.core.parsing import ParseError, normalise_text
from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus, SigningDocument
from zhaoshang.fieldwork.models import Campaign, CampaignSigning
from zhaoshang.imports.ledger_columns import LedgerExtension, register_ledger_extension
from zhaoshang.projects.choices import STAGE_ORDER, Stage

CAMPAIGN, DOCUMENT = "signing_campaign", "signing_document"
NAME_LENGTH = Campaign._meta.get_field("name").max_length
# The document as clerks write it: 框架协议 and 意向协议 before 协议, which they contain.
DOCUMENT_WORDS = (
    ("框架", SigningDocument.FRAMEWORK),
    ("意向", SigningDocument.INTENT),
    ("合同", SigningDocument.CONTRACT),
    ("协议", SigningDocument.AGREEMENT),
)
KIND_WORDS = (
    ("招商月", CampaignKind.MONTH),
    ("推介", CampaignKind.PROMOTION),
    ("签约", CampaignKind.SIGNING),
    ("展", CampaignKind.EXPO),
    ("博览", CampaignKind.EXPO),
    ("座谈", CampaignKind.FORUM),
)


def parse_document(text) -> str | None:
    text = normalise_text(text).replace(" ", "")
    if not text:
        return None
    for word, document in DOCUMENT_WORDS:
        if word in text:
            return document
    raise ParseError(f"无法识别的签约文书「{text}」：应为合同、协议、框架协议或意向协议")


def kind_from_name(name: str) -> str:
    return next((kind for word, kind in KIND_WORDS if word in name), CampaignKind.OTHER)


def _visible_by_name(user, names) -> dict[str, list[Campaign]]:
    found: dict[str, list[Campaign]] = {}
    for campaign in Campaign.objects.restrict(user).filter(name__in=set(names)).order_by("-start_on", "pk"):
        found.setdefault(campaign.name, []).append(campaign)
    return found


class CampaignColumns(LedgerExtension):
    key = "fieldwork.campaign"
    columns = {
        CAMPAIGN: ["签约活动", "签约平台", "签约活动名称", "签约载体", "签约场合"],
        DOCUMENT: ["签约文书", "签约文书类型", "签约类型", "文书类型", "协议类型"],
    }

    def parse(self, field, cell):
        if field == DOCUMENT:
            return parse_document(cell)
        name = normalise_text(cell)
        if len(name) > NAME_LENGTH:
            raise ParseError(f"活动名称不能超过{NAME_LENGTH}字")
        return name or None

    def resolve(self, user, unit, rows, label):
        named = [row for row in rows if row.values.get(CAMPAIGN)]
        campaigns = _visible_by_name(user, [row.values[CAMPAIGN] for row in named])
        signings = {
            signing.project_id: signing
            for signing in CampaignSigning.objects.filter(
                project_id__in=[row.project_id for row in named if row.project_id]
            ).select_related("campaign")
        }
        for row in rows:
            if row.values.get(DOCUMENT) and not row.values.get(CAMPAIGN):
                row.notes.append("未填写签约活动：签约文书只随签约活动保存，本行的签约文书不导入。")
        for row in named:
            name, document = row.values[CAMPAIGN], row.values.get(DOCUMENT)
            if STAGE_ORDER.get(row.values.get("stage"), 99) < STAGE_ORDER[Stage.SIGNED]:
                row.errors[label(CAMPAIGN)] = "填写了签约活动，但项目尚未签约"
                continue
            if not document:
                row.errors[label(CAMPAIGN)] = "请同时填写签约文书（合同、协议、框架协议或意向协议）"
                continue
            found = campaigns.get(name, [])
            if len(found) > 1:
                row.errors[label(CAMPAIGN)] = f"有多个名为「{name}」的招商活动，请先在系统中区分名称"
                continue
            signing = signings.get(row.project_id)
            if signing is not None and (not found or signing.campaign_id != found[0].pk):
                row.errors[label(CAMPAIGN)] = f"项目已登记为在「{signing.campaign.name}」签约"
                continue
            if not found:
                row.notes.append(f"招商活动「{name}」尚未登记，导入时将新建为{unit.name}的草稿活动。")
            elif signing is None:
                row.notes.append(f"将登记为在「{name}」签约（{SigningDocument(document).label}）。")
            elif signing.document != document:
                row.notes.append(
                    f"签约文书将由「{signing.get_document_display()}」改为「{SigningDocument(document).label}」。"
                )

    def write(self, user, batch, rows):
        named = [row for row in rows if row.values.get(CAMPAIGN) and row.values.get(DOCUMENT) and row.project_id]
        if not named:
            return
        campaigns = {
            name: found[0] for name, found in _visible_by_name(user, [r.values[CAMPAIGN] for r in named]).items()
        }
        for name in {row.values[CAMPAIGN] for row in named} - set(campaigns):
            dates = [
                row.values["signed_on"] for row in named if row.values[CAMPAIGN] == name and row.values.get("signed_on")
            ]
            campaign = Campaign(
                name=name,
                kind=kind_from_name(name),
                start_on=min(dates) if dates else timezone.localdate(),
                organiser=batch.unit,
                status=CampaignStatus.DRAFT,
                review=f"由项目台账「{batch.original_name}」导入时新建，请补充活动信息。"[:4000],
            )
            campaign.save()
            campaigns[name] = campaign
        signings = {
            signing.project_id: signing
            for signing in CampaignSigning.objects.filter(project_id__in=[row.project_id for row in named])
        }
        for row in named:
            campaign, document = campaigns[row.values[CAMPAIGN]], row.values[DOCUMENT]
            signing = signings.get(row.project_id)
            if signing is None:
                CampaignSigning.objects.create(campaign=campaign, project_id=row.project_id, document=document)
            elif signing.campaign_id == campaign.pk and signing.document != document:
                signing.document = document
                signing.save()


CAMPAIGN_COLUMNS = register_ledger_extension(CampaignColumns())
