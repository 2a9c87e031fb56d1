"""通报 through the API: published bulletins only — a draft is the bureau's working copy and
never leaves the pages — with their files' metadata (downloaded on the page's address,
which audits the download) and the numbers frozen when each was published."""

import datetime
from typing import Any

from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from zhaoshang.api.api import ERRORS, Keyset, _datetime, listed, local
from zhaoshang.api.resources.common import business, one
from zhaoshang.api.schemas import ErrorOut, Schema

router = Router(tags=["通报"])

FILE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BulletinFileOut(Schema):
    format: str
    name: str
    content_type: str
    size: int | None
    sha256: str
    download_url: str = Field(description="页面的下载地址（须登录，下载记入审计日志）")


class BulletinOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    month: int
    scope_id: int
    scope: str
    title: str
    issuer: str
    issue_date: datetime.date
    published_at: datetime.datetime


class BulletinPage(Schema):
    results: list[BulletinOut]
    next: str | None


class BulletinDetail(BulletinOut):
    files: list[BulletinFileOut]


class BulletinNumbers(Schema):
    id: int
    title: str
    published_at: datetime.datetime
    numbers: dict[str, Any] = Field(description="发布时冻结的全部数据（精确小数字符串），发布后不再改变")


def _published(user):
    from zhaoshang.bulletins.choices import BulletinStatus
    from zhaoshang.bulletins.models import Bulletin

    # The bureau's restrict() includes its drafts; the API never shows them.
    return Bulletin.objects.restrict(user).filter(status=BulletinStatus.PUBLISHED).select_related("scope")


def bulletin_out(bulletin) -> dict:
    return {
        "id": bulletin.pk,
        "kind": bulletin.kind,
        "kind_label": bulletin.get_kind_display(),
        "year": bulletin.year,
        "month": bulletin.month,
        "scope_id": bulletin.scope_id,
        "scope": bulletin.scope.name,
        "title": bulletin.title,
        "issuer": bulletin.issuer,
        "issue_date": bulletin.issue_date,
        "published_at": local(bulletin.published_at),
    }


def _size(stored) -> int | None:
    try:
        return stored.size
    except OSError:  # the file is missing from storage: its metadata still stands
        return None


def _files(request, bulletin) -> list[dict]:
    snapshot = bulletin.snapshot
    return [
        {
            "format": fmt,
            "name": f"{bulletin.title}.{fmt}",
            "content_type": FILE_TYPES[fmt],
            "size": _size(getattr(snapshot, fmt)),
            "sha256": getattr(snapshot, f"{fmt}_sha256"),
            "download_url": request.build_absolute_uri(reverse("bulletins:download", args=[bulletin.pk, fmt])),
        }
        for fmt in FILE_TYPES
    ]


@router.get("/bulletins", response={200: BulletinPage, ERRORS: ErrorOut}, summary="已发布的通报（游标分页，最新在前）")
def bulletins(
    request,
    year: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    from zhaoshang.bulletins.filtersets import BulletinFilterSet

    keyset = Keyset("published_at", True, _datetime)
    base = _published(request.user)
    return listed(
        request, "bulletins", BulletinFilterSet, base, keyset, "-published", cursor, limit, bulletin_out, ("scope",)
    )


@router.get("/bulletins/{bulletin_id}", response={200: BulletinDetail, ERRORS: ErrorOut}, summary="通报详情（含文件）")
def bulletin_detail(request, bulletin_id: int):
    business(request, "bulletins")
    bulletin = one(_published(request.user).select_related("snapshot"), bulletin_id)
    return {**bulletin_out(bulletin), "files": _files(request, bulletin)}


@router.get(
    "/bulletins/{bulletin_id}/numbers",
    response={200: BulletinNumbers, ERRORS: ErrorOut},
    summary="通报发布时的数据（JSON）",
)
def bulletin_numbers(request, bulletin_id: int):
    business(request, "bulletins")
    bulletin = one(_published(request.user).select_related("snapshot"), bulletin_id)
    return {
        "id": bulletin.pk,
        "title": bulletin.title,
        "published_at": local(bulletin.published_at),
        "numbers": bulletin.snapshot.numbers,
    }
