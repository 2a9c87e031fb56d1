"""Reminders about the people we keep in touch with, sent by the worker's upkeep
(core.jobs.register_upkeep, registered in apps.py) through the notifications app:

- a key contact (``Contact.is_key``) with no interaction for
  ``settings.KEY_CONTACT_SILENCE_DAYS`` days: the keeping officer (else the keeping unit's
  officers) is told, again every as many days while the silence lasts;
- an interaction's next-contact date has come: whoever recorded it (else the unit's
  officers) is told, once.

The upkeep runs every minute; the scan runs once a day per worker, and the bookkeeping
fields (``silence_reminded_on``, ``next_contact_reminded``) make a restarted worker or a
second run the same day send nothing twice. No reminder carries a phone number.
"""

import datetime

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from zhaoshang.notifications.choices import NotificationKind
from zhaoshang.notifications.services import notify, notify_unit
from zhaoshang.relations.models import Contact, Interaction

_last_run: datetime.date | None = None


def reminders_upkeep() -> None:
    global _last_run
    today = timezone.localdate()
    if _last_run == today:
        return
    send_reminders(today)
    _last_run = today


def send_reminders(today: datetime.date | None = None) -> tuple[int, int]:
    """(silent key contacts reminded, next contacts due reminded)."""
    today = today or timezone.localdate()
    return _silent_contacts(today), _next_contacts_due(today)


def _tell(user, unit, title: str, url: str, body: str) -> None:
    if user is not None and user.is_active:
        notify([user], NotificationKind.CONTACT_REMINDER, title, url=url, body=body, unit=unit)
    elif unit is not None:
        notify_unit(unit, NotificationKind.CONTACT_REMINDER, title, url=url, body=body)


def _silent_contacts(today: datetime.date) -> int:
    days = settings.KEY_CONTACT_SILENCE_DAYS
    since = today - datetime.timedelta(days=days)
    silent = (
        Contact._base_manager.filter(is_key=True)
        .annotate(last_met=Coalesce(Max("interactions__date"), TruncDate("created_at")))
        .filter(last_met__lte=since)
        .filter(Q(silence_reminded_on__isnull=True) | Q(silence_reminded_on__lte=since))
        .select_related("keeping_unit", "keeping_officer", "company")
    )
    reminded = []
    for contact in silent:
        where = f"（{contact.company.name}）" if contact.company_id else ""
        _tell(
            contact.keeping_officer,
            contact.keeping_unit,
            f"重点联系人「{contact.name}」{where}已 {days} 天以上没有走访或联系",
            reverse("relations:contact_detail", args=[contact.pk]),
            f"上次联系：{contact.last_met:%Y年%m月%d日}。请安排走访或电话联系，并记录在系统中。",
        )
        reminded.append(contact.pk)
    # Bookkeeping only (not audited): when the silence was last brought up.
    Contact._base_manager.filter(pk__in=reminded).update(silence_reminded_on=today)
    return len(reminded)


def _next_contacts_due(today: datetime.date) -> int:
    due = Interaction._base_manager.filter(next_contact_on__lte=today, next_contact_reminded=False).select_related(
        "company", "created_by", "unit"
    )
    reminded = []
    for interaction in due:
        who = interaction.company.name if interaction.company_id else "联系人"
        _tell(
            interaction.created_by,
            interaction.unit,
            f"约定的下次联系日期到了：{who}（{interaction.next_contact_on:%m月%d日}）",
            reverse("relations:interaction_detail", args=[interaction.pk]),
            f"下一步：{interaction.next_step or '（未填）'}",
        )
        reminded.append(interaction.pk)
    Interaction._base_manager.filter(pk__in=reminded).update(next_contact_reminded=True)
    return len(reminded)
