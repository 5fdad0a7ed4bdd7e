"""The README's screenshots, made on purpose: the seeds -> an index in a temporary folder ->
the page served on loopback -> headless chromium -> PNGs in docs/screenshots/.

Run it from the repository when the page's look has changed, and commit the PNGs:

    python -m bench.screenshots                 # writes docs/screenshots/*.png
    python -m bench.screenshots --out /tmp/shots  # somewhere else, to look first

It needs Debian's chromium (or REPORTSEARCH_CHROMIUM naming a Chromium binary); the page is
loaded with the network unreachable, like the browser tests. The tests never write here:
they take their screenshots into temporary folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SEEDS = ROOT / "seeds"
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # No network: whatever is not loopback goes to a port where nothing listens.
    "--proxy-server=http://127.0.0.1:9",
]  # fmt: skip


def chromium() -> str:
    """The Chromium binary to drive, or "" when there is none."""
    found = os.environ.get("REPORTSEARCH_CHROMIUM") or shutil.which("chromium") or ""
    return found if found and Path(found).exists() else ""


def wait_drawn(tab, selector: str) -> None:
    tab.wait_for_selector(f"{selector}[data-drawn]", timeout=15_000)


def take(tab, base: str, out: Path) -> list[Path]:
    """Each screenshot the README and docs use, taken from the page at ``base``."""
    made = []

    def shoot(name: str, full_page: bool = False) -> None:
        path = out / f"{name}.png"
        tab.screenshot(path=str(path), full_page=full_page)
        made.append(path)

    tab.goto(base + "/?q=柔性执法")
    tab.wait_for_selector("ol.hits")
    shoot("search")

    tab.goto(base + "/?q=柔性执法&city=盘锦")
    first = tab.locator(".hit .where a").first
    anchor = first.get_attribute("href").rsplit("#", 1)[1]
    first.click()
    tab.wait_for_url(f"**#{anchor}")
    tab.click("#next-match")
    shoot("reader")

    tab.goto(base + "/?q=柔性执法&view=kwic")
    tab.wait_for_selector("table.kwic")
    shoot("kwic")

    tab.goto(base + "/?q=柔性执法&view=spread")
    for chart in ("#year-chart", "#map-chart", "#timeline-chart"):
        wait_drawn(tab, chart)
    shoot("spread", full_page=True)

    tab.goto(base + "/metrics?name=出庭应诉率")
    wait_drawn(tab, "#metric-chart")
    shoot("metrics")
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    args = parser.parse_args(argv)
    binary = chromium()
    if not binary:
        print("screenshots: no chromium; apt-get install chromium, or set "
              "REPORTSEARCH_CHROMIUM", file=sys.stderr)  # fmt: skip
        return 2
    from playwright.sync_api import sync_playwright
    from reportsearch.indexer.store import IndexStore
    from reportsearch.web.app import create_app
    from reportsearch.web.server import serving

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportsearch-shots-") as folder:
        IndexStore(Path(folder)).update([SEEDS])
        with serving(create_app(folder)) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                made = take(context.new_page(), base, args.out)
            finally:
                browser.close()
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
