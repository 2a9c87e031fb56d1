"""The demo city's relationship network: 乡贤 of several towns, chambers in Shanghai and
Shenzhen, key investors with recorded visits; built once."""

import pytest

from zhaoshang.core.demo import build_city
from zhaoshang.relations.models import Contact, Interaction, Intermediary, PromotionAgreement

pytestmark = pytest.mark.django_db


def test_the_demo_network_has_something_true_on_every_page():
    build_city(only=("accounts", "projects", "relations"))
    notables = Contact.objects.filter(kind="notable")
    assert notables.count() == 6 and notables.values("keeping_unit").distinct().count() == 3
    assert set(Intermediary.objects.values_list("name", flat=True)) >= {"上海示范商会", "深圳示范商会"}
    assert PromotionAgreement.objects.count() == 3
    assert Interaction.objects.count() >= 3 and Contact.objects.filter(is_key=True, kind="investor").exists()
    assert build_city(only=("relations",)).counts["relations"] == 0
