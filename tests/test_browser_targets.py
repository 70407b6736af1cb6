"""York's Better Care Fund target in Debian's Chromium: named on the chart in projector-sized words, said on the
indicator page with its source, and the board view's assurance icon saying the same words."""

from __future__ import annotations

from tests.browsing import picture_words
from tests.servers import ARTIFACTS


def test_the_target_is_named_on_the_projector_chart_and_the_board_says_the_same(page, server):
    """In presentation mode the chart names the target in its legend and labels the line, both at 18 px or more;
    the board view's assurance icon carries the words the indicator page says."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/indicator?indicator=dtoc_18&presentation=1")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Target and trajectory").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    # The picture the chart's column shows (charts/svg.py draws one per width), its words at their drawn size.
    expect(page.locator(".pbip-picture > img").filter(visible=True)).to_have_count(1, timeout=90_000)
    legend = [size for words, size in picture_words(page, "traces") if words == "Target: at or below 9.4 from Sep 2017"]
    label = [size for words, size in picture_words(page, "annotation") if words == "Target 9.4"]
    assert len(legend) == 1 and legend[0] >= 18, legend
    assert len(label) == 1 and label[0] >= 18, label
    expect(main.get_by_text("Target hit and miss").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "targets_indicator_presentation.png"), full_page=True)

    page.goto(server + "/board?presentation=1")
    expect(page.get_by_test_id("stMain").get_by_text("the board view").first).to_be_visible(timeout=90_000)
    expect(page.locator('img[alt="Target hit and miss"]')).to_have_count(1, timeout=90_000)
    expect(page.locator('img[alt*="dashed line: target 9.4"]')).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "targets_board_presentation.png"), full_page=True)
