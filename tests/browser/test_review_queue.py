"""The bureau's review queue in a browser: filter it, open a claim's evidence in place,
verify one claim, return another with a reason, verify the rest as a batch."""

import datetime
import struct
import zlib
from decimal import Decimal

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tiny_png() -> bytes:
    """A valid 1×1 PNG, so the browser really decodes the preview."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_the_bureau_filters_previews_verifies_and_returns(page, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche
    from zhaoshang.projects.attachments import save_attachment
    from zhaoshang.projects.models import StageEvent
    from zhaoshang.projects.tests.factories import project

    a = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", stage="signed")
    b = project(personas.officer_b, personas.town_b, name="河口镇物流园项目", stage="signed")
    signing, other = a.events.get(), b.events.get()
    save_attachment(personas.officer_a, a, SimpleUploadedFile("协议签字页.png", tiny_png()), event=signing)
    tranche = FundsTranche(project=a, amount=Decimal("800"), date=datetime.date(2024, 6, 1), source="abroad")
    record_tranche(personas.officer_a, tranche)

    sign_in(page, "bureau", personas.password)
    page.goto(f"{page.base_url}/review/")
    assert page.locator("tr[data-testid^=item-]").count() == 3

    # Filtering swaps the table in place.
    page.select_option("#id_kind", "tranche")
    page.wait_for_function("document.querySelectorAll('tr[data-testid^=item-]').length === 1")
    assert "到位资金" in page.inner_text("tr[data-testid^=item-tranche]")
    page.select_option("#id_kind", "")
    page.wait_for_function("document.querySelectorAll('tr[data-testid^=item-]').length === 3")

    # The evidence opens under the claim, the image shown in the page.
    page.click(f"[data-testid='evidence-event:{signing.pk}'] summary")
    image = page.locator(f"[data-testid='evidence-event:{signing.pk}'] img[data-testid=evidence-image]")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 1", arg=image.element_handle())

    # Verify one in place.
    page.click(f"tr[data-testid='item-event:{signing.pk}'] button:has-text('通过')")
    page.wait_for_load_state("networkidle")
    assert "城关镇电容器项目「签约」（2024-04-12）：已审核通过" in page.inner_text(".page-body")
    assert page.locator(f"tr[data-testid='item-event:{signing.pk}']").count() == 0

    # Return another with a reason.
    row = page.locator(f"tr[data-testid='item-event:{other.pk}']")
    row.locator("input[name=reason]").fill("缺少协议盖章页")
    row.locator("button:has-text('退回')").click()
    page.wait_for_load_state("networkidle")
    assert "河口镇物流园项目「签约」（2024-04-12）：已退回" in page.inner_text(".page-body")
    assert page.locator("tr[data-testid^=item-]").count() == 1

    # The last one through the batch: 全选, then 审核通过所选.
    page.check("[data-select-all]")
    assert page.is_checked("input[name=items][form=batch]")
    page.click("button:has-text('审核通过所选')")
    page.wait_for_load_state("networkidle")
    assert "审核通过 1 条。" in page.inner_text(".page-body")
    assert "没有待审核的填报" in page.inner_text("[data-testid=queue]")

    assert StageEvent.objects.get(pk=signing.pk).status == "verified"
    assert FundsTranche.objects.get().status == "verified"
    returned = StageEvent.objects.get(pk=other.pk)
    assert (returned.status, returned.return_reason) == ("returned", "缺少协议盖章页")
    assert page.problems.errors == []
