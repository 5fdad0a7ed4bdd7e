"""Which HTML main-content extractor keeps a report and drops a government site's furniture.

Input: nothing (pages are made here). Output: a table on stdout and
``bench/results/html-extractors.json``: for each extractor, over six page layouts that
Chinese government sites use, the share of the report's paragraphs kept whole (recall) and
the share of furniture strings that leak into the text (leak), and the time per page.

    pip install -e '.[bench]' readability-lxml
    python -m bench.html_extractors

The layouts are modelled on public government sites (no real page is stored here): a
table-based page, a div page with a sidebar of links, a page with the report split by
``<br>``, a 文件解读 page that wraps the report in commentary, a page whose report lies in
``<div id="zoom">`` with a print/close bar, and a page with a long related-links block.
"""

from __future__ import annotations

import time

from reportsearch.indexer.formats.html import html_to_text

from .results_file import print_table, save

TITLE = "某市人民政府关于2023年度法治政府建设情况的报告"
REPORT = [
    "2023年,在市委坚强领导下,我市深入学习贯彻习近平法治思想,全面推进法治政府建设。",
    "一、主要举措和成效",
    "(一)坚持公正文明执法。推行包容审慎监管和柔性执法,全年办理行政复议案件128件。",
    "(二)健全依法决策机制。严格落实重大行政决策程序规定,审查重大行政决策事项21件。",
    "(三)加强行政执法监督。开展行政执法案卷评查,评查案卷568卷,整改问题43个。",
    "二、存在的问题",
    "基层执法队伍专业化水平仍需提升,法治宣传的针对性还不够强。",
    "三、下一步工作安排",
    "持续深化行政执法体制改革,全面提升依法行政能力和水平。",
]
FURNITURE = ["无障碍", "长者模式", "政务公开", "互动交流", "分享到", "相关链接", "ICP备",
             "网站标识码", "打印本页", "关闭窗口", "市长信箱", "扫一扫在手机打开当前页",
             "上一篇", "下一篇", "网站地图"]  # fmt: skip


def _page(body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE}_某市人民政府"
        "</title></head><body><div class='top'>2020年1月6日 星期一 <a>无障碍</a> <a>长者模式</a>"
        "</div><ul class='nav'><li><a>首页</a></li><li><a>政务公开</a></li><li><a>互动交流</a>"
        f"</li><li><a>市长信箱</a></li></ul>{body}<div class='footer'><a>网站地图</a> 主办单位:"
        "某市人民政府办公室 网站标识码:0000000001 ICP备00000000号 扫一扫在手机打开当前页</div>"
        "</body></html>"
    )


def paragraphs(tag: str = "p") -> str:
    return "".join(f"<{tag}>{p}</{tag}>" for p in REPORT)


SIDEBAR = "<div class='side'><h3>相关链接</h3><ul>" + "".join(
    f"<li><a>关于印发第{i}批工作方案的通知</a></li>" for i in range(8)) + "</ul></div>"  # fmt: skip
PAGER = "<div class='pager'><a>上一篇:关于开展专项检查的通知</a><a>下一篇:关于表彰的决定</a></div>"
TOOLS = "<div class='tools'><a>打印本页</a> <a>关闭窗口</a> 分享到:<a>微信</a><a>微博</a></div>"

LAYOUTS = {
    "table layout": _page(
        f"<table><tr><td><h1>{TITLE}</h1></td></tr><tr><td>{paragraphs()}</td></tr>"
        f"<tr><td>{TOOLS}</td></tr></table>{PAGER}"
    ),
    "div with sidebar": _page(
        f"<div class='main'><div class='article'><h1>{TITLE}</h1>{paragraphs()}</div>{TOOLS}"
        f"</div>{SIDEBAR}{PAGER}"
    ),
    "report split by <br>": _page(
        f"<div class='article'><h1>{TITLE}</h1><div class='content'>"
        + "<br>".join(REPORT)
        + f"</div></div>{TOOLS}{SIDEBAR}"
    ),
    "文件解读 wrapper": _page(
        f"<div class='article'><h1>《{TITLE}》解读</h1><p>为便于公众理解,现对报告解读如下。</p>"
        f"{paragraphs()}<p>以上为报告主要内容。</p></div>{TOOLS}{PAGER}"
    ),
    "div#zoom with tools": _page(
        f"<div class='article'><h1>{TITLE}</h1><div id='zoom'>{paragraphs()}</div>"
        f"<div>{TOOLS}</div></div>{SIDEBAR}"
    ),
    "long related links": _page(
        f"<div class='article'><h1>{TITLE}</h1>{paragraphs()}</div>{TOOLS}" + SIDEBAR * 4
    ),
}


def trafilatura_text(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, output_format="txt", include_tables=True,
                               favor_recall=True, deduplicate=False) or ""  # fmt: skip


def readability_text(markup: str) -> str:
    from readability import Document

    return html_to_text(Document(markup).summary(), with_title=False)


def justext_text(markup: str) -> str:
    import justext

    # justext has no Chinese stop list; with none it judges by length and link density.
    kept = justext.justext(markup.encode("utf-8"), frozenset(), length_low=10, length_high=40,
                           stopwords_low=0, stopwords_high=0)  # fmt: skip
    return "\n".join(p.text for p in kept if not p.is_boilerplate)


def reportsearch_text(markup: str) -> str:
    from reportsearch.indexer.formats.html import read_html

    return read_html(markup.encode("utf-8"), "page.html").text


EXTRACTORS = {
    "all visible text": lambda markup: html_to_text(markup, with_title=False),
    "trafilatura": trafilatura_text,
    "readability-lxml": readability_text,
    "justext": justext_text,
    "reportsearch (trafilatura + fallback)": reportsearch_text,
}


def main() -> None:
    rows = []
    for name, extract in EXTRACTORS.items():
        kept = leaked = 0
        started = time.perf_counter()
        for markup in LAYOUTS.values():
            text = extract(markup)
            kept += sum(paragraph in text for paragraph in REPORT)
            leaked += sum(word in text for word in FURNITURE)
        seconds = (time.perf_counter() - started) / len(LAYOUTS)
        rows.append({
            "extractor": name,
            "recall": round(kept / (len(REPORT) * len(LAYOUTS)), 3),
            "leak": round(leaked / (len(FURNITURE) * len(LAYOUTS)), 3),
            "ms_per_page": round(seconds * 1000, 1),
        })  # fmt: skip
    save("html-extractors", rows)
    print(f"{len(LAYOUTS)} layouts, {len(REPORT)} report paragraphs and "
          f"{len(FURNITURE)} furniture strings each")  # fmt: skip
    print_table(["extractor", "paragraphs kept", "furniture leaked", "ms/page"],
                [[r["extractor"], f"{r['recall']:.0%}", f"{r['leak']:.0%}", r["ms_per_page"]]
                 for r in rows])  # fmt: skip


if __name__ == "__main__":
    main()
