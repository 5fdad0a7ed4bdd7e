"""The web page in a real browser: Playwright driving Debian's chromium (installed by
.ci/run; Playwright's own browser download is never used) against ``reportsearch``'s app
served by uvicorn on loopback, over an index of the seeds.

Every page is loaded with the network unreachable: chromium sends everything that is not
loopback to a dead proxy, and the test records any request that leaves 127.0.0.1. The run
takes screenshots of the main pages into a temporary folder only: the tree stays as it was
(docs/screenshots/ is made on purpose by ``python -m bench.screenshots``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from helpers import ROOT, SEED_FILES

from bench.screenshots import CHROMIUM_ARGS, chromium

CHROMIUM = chromium()
TRACKED_SCREENSHOTS = ROOT / "docs" / "screenshots"


def tree_state() -> dict:
    return {path.name: (path.stat().st_mtime_ns, path.stat().st_size)
            for path in sorted(TRACKED_SCREENSHOTS.glob("*"))}  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def tree_before():
    """The tracked screenshots as they were before any test here ran."""
    return tree_state()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def server(seed_index_dir):
    from reportsearch.web.app import create_app
    from reportsearch.web.server import serving

    with serving(create_app(seed_index_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.fail("browser tests need Debian's chromium: apt-get install chromium "
                    "(or set REPORTSEARCH_CHROMIUM to a Chromium binary)")  # fmt: skip
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server, screenshots):
    """A fresh page; fails the test if it asked for anything beyond this server, or if a
    script on it threw."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    outside, errors = [], []
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server)
        else (outside.append(route.request.url), route.abort()),
    )  # fmt: skip
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.base = server
    tab.screenshots = screenshots
    yield tab
    context.close()
    assert outside == [], f"the page reached beyond this machine: {outside}"
    assert errors == [], f"scripts failed on the page: {errors}"


def shoot(page, name: str) -> None:
    """A screenshot into the test's temporary folder (never the tree): it must be a PNG."""
    path = page.screenshots / f"{name}.png"
    page.screenshot(path=str(path), full_page=name == "spread")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_searching_flexible_enforcement_shows_both_cities_highlighted(page):
    page.goto(page.base + "/")
    page.fill("input[name=q]", "柔性执法")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits")
    metas = page.locator(".hit .meta").all_inner_texts()
    assert any("盘锦市" in m for m in metas) and any("遂宁市" in m for m in metas)
    marks = set(page.locator(".hit mark").all_inner_texts())
    assert marks == {"柔性執法", "柔性执法"}  # each report in its own characters
    assert "4 passages in 2 reports" in page.inner_text(".summary")
    shoot(page, "search")


def test_a_year_facet_click_filters_and_back_undoes_it(page):
    page.goto(page.base + "/?q=柔性执法")
    page.click("section.facet[data-facet=year] a:text-is('2023')")
    page.wait_for_url("**year=2023**")
    assert query_of(page.url) == {"q": "柔性执法", "year": "2023"}
    assert page.locator(".chip").inner_text().startswith("year: 2023")
    metas = page.locator(".hit .meta").all_inner_texts()
    assert metas and all("遂宁市" in m for m in metas)
    page.go_back()
    page.wait_for_selector("ol.hits")
    assert query_of(page.url) == {"q": "柔性执法"}
    assert page.locator(".chip").count() == 0
    assert any("盘锦市" in m for m in page.locator(".hit .meta").all_inner_texts())


def test_the_reader_opens_at_the_passage_and_walks_the_matches(page):
    page.goto(page.base + "/?q=柔性执法&city=盘锦")
    first = page.locator(".hit .where a").first
    anchor = first.get_attribute("href").rsplit("#", 1)[1]
    first.click()
    page.wait_for_url(f"**#{anchor}")
    assert SEED_FILES["盘锦"] in page.url
    target = page.locator(f"#{anchor}")
    assert target.evaluate("el => el.matches(':target')")
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 900  # scrolled into view
    assert page.inner_text("#match-count") == "14"
    page.click("#next-match")
    current = page.locator("mark.current")
    assert current.count() == 1 and current.inner_text() == "柔性執法"
    # the first match shown is the one in the passage the hit pointed at
    assert current.evaluate(f"m => document.getElementById('{anchor}').contains(m)")
    assert page.locator(".outline a").count() > 10
    shoot(page, "reader")


def test_kwic_view_aligns_one_line_per_occurrence(page):
    page.goto(page.base + "/?q=柔性执法")
    page.click("nav.tabs a:has-text('KWIC')")
    page.wait_for_selector("table.kwic")
    assert page.locator("table.kwic tr").count() == 15
    assert set(page.locator("table.kwic td.match").all_inner_texts()) == {"柔性執法", "柔性执法"}
    # aligned: every match cell starts at the same x
    xs = {round(box["x"]) for box in (cell.bounding_box()
                                      for cell in page.locator("td.match").all())}  # fmt: skip
    assert len(xs) == 1
    page.click("a:has-text('by right context')")
    page.wait_for_url("**order=right**")
    rights = page.locator("table.kwic td.right").all_inner_texts()
    assert rights == sorted(rights)
    shoot(page, "kwic")


def drawn(page, selector: str) -> int:
    page.wait_for_selector(f"{selector}[data-drawn]", timeout=15_000)
    state = page.get_attribute(selector, "data-drawn")
    assert state != "error", page.inner_text(selector)
    return int(state)


def test_year_chart_map_and_timeline_draw(page):
    page.goto(page.base + "/?q=柔性执法&view=spread")
    assert drawn(page, "#year-chart") == 3  # the seeds' years: 2020, 2021, 2023
    # drawn content, not an empty box: bars and a line are SVG paths with a size
    bars = page.locator("#year-chart svg path").evaluate_all(
        "ps => ps.filter(p => { const b = p.getBBox(); "
        "return b.width > 20 && b.height > 20; }).length"
    )
    assert bars >= 2
    assert drawn(page, "#map-chart") == 2  # 盘锦, 遂宁
    outline_and_dots = page.locator("#map-chart svg path").count()
    assert outline_and_dots > 4
    assert drawn(page, "#timeline-chart") == 2
    labels = page.locator("#timeline-chart svg text").evaluate_all(
        "ts => ts.map(t => t.textContent)"
    )
    assert "盘锦市" in labels and "遂宁市" in labels
    page.locator("#map-chart").scroll_into_view_if_needed()
    shoot(page, "spread")


def test_metric_chart_and_sortable_table(page):
    page.goto(page.base + "/metrics")
    page.click("a:text-is('出庭应诉率')")
    page.wait_for_selector("#metric-table")
    assert drawn(page, "#metric-chart") == page.locator("#metric-table tbody tr").count() > 0
    headers = page.locator("#metric-table th").evaluate_all(
        "ths => ths.map(th => th.dataset.column)"
    )
    cells = f"#metric-table td:nth-child({headers.index('value') + 1})"
    page.click("#metric-table th[data-column=value]")
    values = [float(v) for v in page.locator(cells).all_inner_texts()]
    assert values == sorted(values)
    page.click("#metric-table th[data-column=value]")
    values = [float(v) for v in page.locator(cells).all_inner_texts()]
    assert values == sorted(values, reverse=True)


def test_bad_input_shows_an_error_page_not_a_trace(page):
    response = page.goto(page.base + "/?q=%22unclosed")
    assert response.status == 400
    assert "quote" in page.inner_text(".error .message")
    assert "Traceback" not in page.content()


def test_the_metric_chart_starts_at_zero_with_its_unit_and_nothing_on_its_edges(page):
    page.goto(page.base + "/metrics?name=出庭应诉率")
    assert drawn(page, "#metric-chart") > 0
    axes = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById("metric-chart"));
        const axis = (name) => chart.getModel().getComponent(name, 0).axis;
        const option = chart.getOption();
        return {
            x: axis("xAxis").scale.getExtent(), y: axis("yAxis").scale.getExtent(),
            name: option.yAxis[0].name,
            label: axis("yAxis").getViewLabels().map(l => l.formattedLabel),
            years: option.series.flatMap(s => s.data.map(d => d[0])),
            values: option.series.flatMap(s => s.data.map(d => d[1])),
            gap: option.legend[0].itemGap,
        };
    }""")
    assert axes["y"][0] == 0  # from zero: 93% is not drawn as nearly nothing
    assert "%" in axes["name"] and any(label.endswith("%") for label in axes["label"])
    # nothing on the edges: every dot strictly inside the plot
    assert axes["x"][0] < min(axes["years"]) and max(axes["years"]) < axes["x"][1]
    assert axes["y"][0] < min(axes["values"]) and max(axes["values"]) < axes["y"][1]
    assert axes["gap"] >= 16
    shoot(page, "metric")


def test_the_run_left_the_tracked_screenshots_as_they_were(tree_before):
    """Runs last in this file: no test wrote into docs/screenshots/."""
    assert tree_state() == tree_before
