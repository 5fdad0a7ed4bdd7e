"""Metadata: a report's texts -> who wrote it, about which year, when, under what number.

Input: the original text, its ``NormalizedText`` and its ``CleanedText``. Output:
``ReportMetadata`` (title, province, city, district, level, year, published, doc_number,
issuer, kind, script) plus ``title_lines``, the line numbers that form the title block and so
are not passages.

Rules, each chosen so that a field is empty rather than guessed:

* title: the first "关于……报告" line near the top; otherwise the short lines that open the
  report (a place-only line such as "四川省自贡市" is skipped). Shown in original characters.
* place: division names (gazetteer) in the title block and issuer first, then the opening
  lines, then the whole text; "四川省自贡市" and "南充市嘉陵区" refine to the more specific
  name; a name shared by several divisions needs its province or city mentioned to count.
* year (the year the report is ABOUT): a year in the title ("关于2023年度……"); otherwise, for a
  government report only, the year that dominates the text's "20xx年" mentions. News articles
  get no year from the text: their dates are when things happened, not the report's year.
* published: a "发布日期/发布时间/成文日期" property, else a date line among the last lines
  (the signature date, in Arabic or Chinese numerals).
* doc_number: a 文号 such as 遂府〔2024〕6号 in the header, before the body starts.
* issuer: the signature line at the end, else the "XX人民政府关于" title prefix, else the
  "发布机构" property.
* kind: "news" when the page has a byline (记者/通讯员), else "report".
* script: "traditional" when Traditional->Simplified conversion changed at least 5 % of the
  Han characters, else "simplified".

A sidecar file ``NAME.meta.json`` next to a report supplies or overrides any field
(``indexer.sidecars``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields

from .cleaning import CleanedText, Line
from .fields import named
from .gazetteer import Division, Gazetteer, default_gazetteer, short_name
from .issuers import canonical_issuer, is_government_body, known_issuers
from .normalizing import NormalizedText
from .numerals import parse_chinese_number
from .places import TIERS, Scope, Subject, find_place, opening_subject
from .sections import heading_style

LEVELS = named("level").choices  # national, province, city, district (the field registry's)
KINDS = named("kind").choices  # report, interpretation, news, speech
SCRIPTS = ("simplified", "traditional")


@dataclass(frozen=True)
class ReportMetadata:
    title: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    year: int | None = None
    published: str = ""  # ISO date, YYYY-MM-DD
    doc_number: str = ""
    issuer: str = ""  # canonical short name (司法局, 人民政府; ``indexer.issuers``)
    issuer_name: str = ""  # as written (四川省司法厅)
    kind: str = ""
    script: str = ""

    def as_dict(self) -> dict:
        # every field is a plain value: a copy of them, without asdict's deep copies (which
        # cost a tenth of a build)
        return dict(vars(self))


FIELD_NAMES = tuple(f.name for f in fields(ReportMetadata))

_TITLE_REPORT = re.compile(
    r"关于.{0,40}(报告|情况)$|^.{2,40}(年度报告|工作报告|情况的报告)$"
    r"|^.{0,40}法治(?:政府)?(?:部门|机关)? ?建设.{0,16}(?:报告|情况)$"
)
# What opens a title line on some pages: a bullet, a property's label, its 文号 in brackets.
_TITLE_LEAD = re.compile(r"^[•·\-\s]*(?:标题\s*[::|]\s*)?(?:\[[^\]]{0,30}\]|【[^】]{0,30}】)?\s*")
# Page furniture that shares the head with a title: dates and times, sources, font sizes,
# "you are here" lines, language and accessibility switches.
_HEAD_FURNITURE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|来源|字号|浏览|点击|位置|首页|打印|星期"
    r"|简体|繁体|无障碍|分享|索引号|发布机构|朋友圈|微信|^目录|http|^[\x00-\x7f]+$|[>»]|^[•\[]"
)
# A year, not the year of a date ("2023年6月27日" is when, not what, a report is about).
_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?!\d{1,2}月)")
# The body opening with the year it reports on: "2021年,江西省坚持…", "2022年是…"
# ("2019年以来" is not: since 2019, in a report on a later year).
# Leading junk (a full-width indent lost as "??" or "□") is skipped, and a lost 年
# ("2022,在省委…") still reads.
_YEAR_OPENING = re.compile(r"^[^\w\u4e00-\u9fff]*((?:19|20)\d\d)(?:年度?(?:[,，:：]|是|里)|[,，])")
# "This year" and "the past year", read against the publication date.
_THIS_YEAR = re.compile(r"今年以来|今年来|本年度以来")
_PAST_YEAR = re.compile(r"一年来|过去一年|过去的一年|上一年度|本年度")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])(?:[/_-]?\d\d)?(?!\d)")
_OPENING_LINES = 3
_YEAR_MENTION = re.compile(r"(?<![\d\-—~至])((?:19|20)\d\d)年")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[(]\d{4}[〕\])]\d{1,5}号")
_CITED = re.compile(r"《|根据|按照|依据|依照|印发|转发|贯彻")
_PROPERTY_DATE = re.compile(
    r"(发布日期|发布时间|成文日期)[::]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
# "(2023年6月27日在…人大常委会第三次会议上)": a report delivered as a speech, and when.
_SPEECH_DATE = re.compile(r"^[(（]\s*((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日在.{2,60}[)）]$")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN_DATE_LINE = re.compile(
    r"^([〇零○o一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)
_ISSUER_LINE = re.compile(
    r"^[^,。;:\s]{2,30}(人民政府|人民政府办公室|人民政府办公厅|委员会|局|厅|部|办公室)$"
)
# "XX人民政府关于…", "XX局 2021年…", "武汉市国家税务局近年来…", "国家卫健委发布…".
_ISSUER_IN_TITLE = re.compile(
    r"^(.{2,30}?(人民政府|委员会|局|厅|部|办公室|委))\s*"
    r"(?=关于|\d{4}年|[〇零○一二三四五六七八九]{4}年|近年|年度|发布|印发|公布)"
)
_CN_YEAR_IN_TITLE = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_ISSUER_PROPERTY = re.compile(r"(发布机构|发文机关)\s*[::|]\s*([^\s,。;|]{2,30})")
# A national body: a ministry or commission of the State Council (司法部, 国家税务总局).
_NATIONAL = re.compile(
    r"^(国务院|国家)?[\u4e00-\u9fff]{1,12}(部|总局|总署|委员会)$|^国家[\u4e00-\u9fff]{1,10}委$"
)
_SENTENCE = re.compile(r"[。,;!?]")
# The name of a report on a year, wherever the head of the page gives it, with the issuer
# before it: a title lost in page furniture, or quoted (《…关于2024年法治政府建设情况的报告》,
# "发布2023年度法治政府建设年度报告"); plans (工作要点) are not reports.
_REPORT_NAME = re.compile(
    r"[^,。;:《》()|]{0,30}?(?<!\d)(?P<year>(?:19|20)\d\d)年度?[^,。;:《》\d|]{0,24}?"
    r"法治(?:政府)?(?:部门|机关)?建设[^,。;:《》]{0,12}?(?:年度报告|工作报告|情况报告|情况的报告|报告)"
)
# The year's work named in an opening: "介绍2024年南宁市法治政府建设情况".
_YEAR_OF_WORK = re.compile(
    r"(?<!\d)((?:19|20)\d\d)年度?[^,。;\d]{0,12}法治(?:政府)?建设(?:工作)?(?:情况|成效)"
)
_YEAR_SINCE = re.compile(r"^[^\w\u4e00-\u9fff]*((?:19|20)\d\d)年以来[,]")
# A posting time in the head of a page: "2019-12-11 15:55:50" (a site's clock says 星期).
_POSTED = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})\s+\d{1,2}:\d{2}")
# A heading on the year's work: "一、2023年法治政府建设情况".
_YEAR_HEADING = re.compile(r"(?<!\d)((?:19|20)\d\d)年度?[^,。;]{0,10}法治(?:政府)?建设")
_LEADING_NUMBER = re.compile(r"^\s*(?:\[[^\]]{0,30}\]|【[^】]{0,30}】)\s*")
_BODY_PROPERTY = re.compile(r"(发布机构|发文机关|信息来源|来源)\s*[::|]\s*([^\s,。;:|]{2,30})")
# "首页 > 部门 > 区生态环境局 > 政务公开": the department whose pages these are.
_CRUMB = re.compile(r"(?:^|>)\s*([^\s>:]{2,20})\s*(?=>)")
# "我厅", "本局": a department speaking of itself; the ministry or department above it
# ("在生态环境部的关心指导下") says which kind.
_SELF = re.compile(r"我(?:厅|局|委|办)|本(?:厅|局|委|办)")
_ABOVE = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:部|厅)(?=的|和|、)")
_SITE = re.compile(r"人民政府|政府网|门户网站|政务网")
_ADDRESSEE = re.compile(r"委|政府|行署|人大|常委会")
_INTERPRETATION = re.compile(r"解读|图解|一图读懂|一图看懂")
_SPEECH = re.compile(r"讲话|致辞|发言(?!人)")
_SPEECH_TITLE = re.compile(r"^在.{2,40}(?:会议|会)上的?(?:讲话|致辞|发言)$|(?:讲话|致辞)$")
# A news lede: a dateline ("4月24日上午,", "2026年1月14日,"), a reporter, 本报讯.
_NEWS_LEDE = re.compile(
    r"^[(]?(?:记者|本报讯|本报|新华社|中新网|人民网)|^[^,。]{0,24}\d{1,2}月\d{1,2}日电|^[^,。]{1,20}讯\s"
    r"|^(?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚|电)?[,]"
    r"|记者[^,。]{0,10}(?:获悉|了解到|从)"
)
_MEDIA_SOURCE = re.compile(
    r"(?:来源|稿源)[::]\s*[^\s,。]{0,20}?(?:日报|晚报|早报|时报|商报|报社|新闻|新华社|新华网|"
    r"人民网|电视台|广播|融媒|政法网|法治网|长安网|客户端)"
)
_NEWS_TITLE = re.compile(
    r"(?:召开|举行|发布会|出炉|亮点|取得新成效|成效显著|获评|入选|第一)$"
    r"|(?:召开|举行|举办).{0,30}(?:会议|会)$"  # "融水县召开…工作推进会"
)
# A headline about a report ("国家卫健委发布2020年度法治政府建设报告"), not the report.
_ABOUT_A_REPORT = re.compile(r"(?:发布|印发|公布|出炉|审议|听取)[^,。]{0,30}(?:报告|情况)")
_REPOSTED = re.compile(r"^原标题")  # a news site's repost of another's story
_SHORT_LINE = 40
_HEAD_LINES = 12


def extract_metadata(
    original: str,
    normalized: NormalizedText,
    cleaned: CleanedText,
    gazetteer: Gazetteer | None = None,
    hints: dict | None = None,
) -> tuple[ReportMetadata, frozenset[int], dict[str, str]]:
    """The report's metadata, the line numbers of its title block, and where each field
    that has a value came from (``{"year": "title", ...}``, shown by the web reader).
    ``hints`` are what the file says of itself (``formats``: a page's date and address)."""
    gazetteer = gazetteer or default_gazetteer()
    all_lines = sorted(
        [*cleaned.kept, *(item.line for item in cleaned.removed)], key=lambda line: line.number
    )
    head = all_lines[:_HEAD_LINES]
    sources: dict[str, str] = {}
    title, title_lines, sources["title"] = _title(cleaned.kept, gazetteer)
    title_proper = normalized.text[title[0] : title[1]] if title else ""
    title_text = " ".join(line.text for line in cleaned.kept if line.number in title_lines)
    body = [line for line in cleaned.kept if line.number not in title_lines]
    opening = _opening(body)
    subject = opening_subject([line.text for line in opening])
    kind, sources["kind"] = _kind(title_text, head, opening, cleaned)
    hints = hints or {}
    published, sources["published"] = _published(all_lines, normalized.text)
    if not published and hints.get("published"):
        published = hints["published"]
        sources["published"] = hints.get("published_from", "the file's properties")
    named = _report_name(head)
    report_name = named.group(0) if named else ""
    year, sources["year"] = _year(title_text, named, body, opening, kind, published,
                                  hints.get("url", ""))  # fmt: skip
    issuer_line, sources["issuer"] = _issuer(all_lines, title_proper or title_text,
                                             report_name, subject, head, opening,
                                             gazetteer)  # fmt: skip
    sources["issuer_name"] = sources["issuer"]
    scopes = [
        Scope(f"{title_proper} {issuer_line or ''}", "the title and issuer"),
        Scope(report_name, "the name of the report in the head of the page"),
        Scope(title_text, "the title block"),
        Scope(subject.clause, "the subject of the opening sentence"),
        Scope(_properties(head), "the page's properties (发布机构, 来源 …)", own=False),
        Scope(_site_names(head), "the site's name", own=False),
        # "锡林郭勒盟委、行署:": a department's own government, a county's prefecture
        Scope(_addressee(head), "the addressee", own=False),
    ]
    division, place_source = find_place(
        [scope for scope in scopes if scope.text.strip()],
        " ".join(line.text for line in cleaned.kept), gazetteer, subject.any_tier, year,
    )  # fmt: skip
    for name in ("province", "city", "district"):
        sources[name] = place_source
    doc_number = _doc_number(all_lines)
    sources["doc_number"] = "the header, before the body" if doc_number else ""
    issuer, level = _issuer_and_level(issuer_line, division, subject, gazetteer, sources)
    script, changed = _script(original, normalized)
    sources["script"] = f"{changed:.0%} of Han characters change from Traditional to Simplified"
    metadata = ReportMetadata(
        title=_joined(_original_of(title, normalized, original)),
        province=division.province if division else "",
        city=(division.city or "") if division else "",
        district=division.name if division and division.level == "district" else "",
        level=level,
        year=year,
        published=published,
        doc_number=_original_of(doc_number, normalized, original),
        issuer=issuer,
        issuer_name=_original_of(issuer_line, normalized, original),
        kind=kind,
        script=script,
    )
    values = metadata.as_dict()
    return metadata, title_lines, {k: v for k, v in sources.items() if v and values.get(k)}


def _original_of(found: tuple[int, int] | str | None, normalized, original) -> str:
    """A (start, end) span of the search form -> the original characters there."""
    if not found:
        return ""
    if isinstance(found, str):
        position = normalized.text.find(found)
        if position < 0:
            return found
        found = (position, position + len(found))
    start, end = normalized.to_original(*found)
    return re.sub(r"\s+", " ", original[start:end]).strip()


def _joined(title: str) -> str:
    """A report's name split over two lines is one name ("…2025年度法治政府" / "建设情况的报
    告"): no space where the lines met. A title and its subtitle keep theirs."""
    joined = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", title)
    return joined if " " in title and _TITLE_REPORT.search(joined) else title


def _title(kept: list[Line], gazetteer: Gazetteer) -> tuple[tuple[int, int] | None, frozenset, str]:
    head = kept[:_HEAD_LINES]
    for number, line in enumerate(head):
        text = _TITLE_LEAD.sub("", line.text)
        if (len(line.text) <= 80 and _TITLE_REPORT.search(line.text)
                and not heading_style(text) and not _HEAD_FURNITURE.search(text)):  # fmt: skip
            # Anything above it in the head (place lines, a split title) belongs to the title
            # block too, as long as those lines are short and not sentences.
            above = [
                other.number
                for other in head
                if other.number < line.number
                and len(other.text) <= _SHORT_LINE
                and not _SENTENCE.search(other.text)
            ]
            # Official pages often repeat the title split over lines below the first one.
            repeats = [
                other.number
                for other in head
                if len(other.text) <= 80
                and _TITLE_REPORT.search(other.text)
                and not heading_style(_TITLE_LEAD.sub("", other.text))
            ]
            source = "the first line of the head that reads like 关于…报告"
            start = line.start + len(_TITLE_LEAD.match(line.text).group(0))
            previous = head[number - 1] if number else None
            if (previous and len(previous.text) <= _SHORT_LINE
                    and not _SENTENCE.search(previous.text + line.text)
                    and not _HEAD_FURNITURE.search(previous.text)
                    and "关于" not in line.text and not _YEAR_IN_TITLE.search(line.text)
                    and re.search(r"关于|(?:19|20)\d\d年", previous.text)):  # fmt: skip
                # A title split over two lines: "关于那曲市色尼区2025年度法治政府" / "建设…报告"
                start = previous.start
            return (start, line.end), frozenset([*above, *repeats]), source
    block: list[Line] = []
    for line in head:
        if len(line.text) > _SHORT_LINE or _SENTENCE.search(line.text) or heading_style(line.text):
            break  # the body starts: prose, or a numbered heading ("一、总体情况")
        if line.text.rstrip().endswith(":"):
            break  # a salutation ("中共红河州委、红河州人民政府:"): whom it is for, not who
        if _HEAD_FURNITURE.search(line.text):
            continue  # a date, a source, a font switch: the page's, not the title's
        block.append(line)
    # The block must stop before the body: with no long line after it, it is not a title.
    if not block or len(block) == len(head):
        return None, frozenset(), ""
    numbers = frozenset(line.number for line in block)
    words = [line for line in block if not gazetteer.names_only(line.text)]
    if not words:
        return None, numbers, ""
    return (words[0].start, words[-1].end), numbers, "the short lines that open the report"


def _opening(body: list[Line]) -> list[Line]:
    """The body's first prose lines: headings, a speech's date line and salutations
    ("市人大常委会:") skipped."""
    lines = []
    for line in body[:_HEAD_LINES]:
        text = line.text.strip()
        salutation = text.endswith(":") and len(text) <= 30
        prose = len(text) >= 15 and _SENTENCE.search(text)
        if heading_style(text) or _SPEECH_DATE.match(text) or salutation or not prose:
            continue
        lines.append(line)
        if len(lines) == 2:
            break
    return lines


def _report_name(head: list[Line]) -> re.Match | None:
    """The name of a report on a year in the head of the page ("《安徽省人民政府2020年法治
    政府建设报告》出炉", a title lost among page furniture), with the issuer before it: its
    match, the year in group ``year``."""
    for line in head:
        match = _REPORT_NAME.search(line.text)
        if match:
            return match
    return None


def _properties(head: list[Line]) -> str:
    """The issuing bodies a page's properties name (发布机构, 发文机关, 信息来源, 来源):
    government bodies only, never a newspaper."""
    found = []
    for line in head:
        for match in _BODY_PROPERTY.finditer(line.text):
            if is_government_body(match.group(2)):
                found.append(match.group(2))
    return " ".join(found)


def _addressee(head: list[Line]) -> str:
    """The salutation a report opens with, naming whom it is for ("中共红河州委、红河州人民
    政府:", "盟委、行署:")."""
    for line in head:
        text = line.text.strip()
        if text.endswith(":") and len(text) <= 30 and _ADDRESSEE.search(text):
            return text
    return ""


def _site_names(head: list[Line]) -> str:
    """Short head lines that name a government site ("XX市人民政府门户网站", "杭州市人民政府")."""
    return " ".join(line.text for line in head
                    if len(line.text) <= 30 and _SITE.search(line.text)
                    and not _SENTENCE.search(line.text)
                    and not line.text.rstrip().endswith(":"))  # fmt: skip


def _kind(title_text: str, head: list[Line], opening: list[Line],
          cleaned: CleanedText) -> tuple[str, str]:  # fmt: skip
    """What kind of document the page is: an interpretation (解读), a speech (讲话), news
    (a byline, a news lede, a newspaper as its source, a news headline) or a report. A
    report's own title (关于…报告) outweighs its page's news source or a link to a 解读."""
    title_text = _TITLE_LEAD.sub("", title_text)  # "【权威发布】…报告" is the report
    report_title = bool(_TITLE_REPORT.search(title_text)) and not _ABOUT_A_REPORT.search(title_text)
    short_head = [] if report_title else [line.text for line in head[:4] if len(line.text) <= 60]
    if _INTERPRETATION.search(title_text) or any(map(_INTERPRETATION.search, short_head)):
        return "interpretation", "解读 in the title"
    if _SPEECH.search(title_text) or any(map(_SPEECH_TITLE.search, short_head)):
        return "speech", "讲话 in the title"
    if any(item.category == "byline" for item in cleaned.removed):
        return "news", "a byline (记者/通讯员) on the page"
    if report_title:
        return "report", "the title of a report (关于…报告)"
    # A headline about a report is news unless the report itself follows ("2017年,在…").
    about = _ABOUT_A_REPORT.search(title_text) and not (
        opening and _YEAR_OPENING.match(opening[0].text)
    )
    if about or any(_REPOSTED.match(line.text) for line in head):
        return "news", "a headline about a report, or a repost (原标题)"
    if opening and _NEWS_LEDE.search(opening[0].text):
        return "news", "the body opens like news (a date, 记者, 本报讯)"
    if any(_MEDIA_SOURCE.search(line.text) for line in head):
        return "news", "its source is a news outlet"
    if title_text and _NEWS_TITLE.search(title_text):
        return "news", "a news headline"
    return "report", "no sign of news, speech or interpretation"


def _year(title_text: str, report_name: re.Match | None, body: list[Line], opening: list[Line],
          kind: str, published: str, url: str) -> tuple[int | None, str]:  # fmt: skip
    """The year a report is about, and where it was read: the title; the name of a report
    on a year in the head of the page (a title lost among page furniture, or quoted); the
    body's opening ("2021年,…"); a heading naming the year's 法治政府建设; the year most
    named in the text; "今年以来"/"一年来" read against the publication date; the date in
    the page's address. A date (with a month) never counts, and news articles are only read
    by their title and the report they name."""
    match = _YEAR_IN_TITLE.search(title_text)
    if match:
        return int(match.group(1)), "the title"
    match = _CN_YEAR_IN_TITLE.search(title_text)  # 二〇二一年
    if match:
        year = parse_chinese_number(match.group(1).replace("○", "〇"))
        if year and 1949 <= year <= 2100:
            return year, "the title (in Chinese numerals)"
    for line in opening:
        match = _YEAR_OPENING.match(line.text)
        if match:
            return int(match.group(1)), "the opening of the body"
    if report_name:
        return int(report_name.group("year")), "the name of the report in the head of the page"
    for line in opening:
        match = _YEAR_OF_WORK.search(line.text)
        if match:
            return int(match.group(1)), "the year's 法治政府建设 named in the opening"
    if kind != "report":
        # News, speeches and interpretations tell of their own time.
        if published:
            return int(published[:4]), "the publication date (news tells of its own time)"
        return None, ""
    for line in body[:40]:
        match = _YEAR_HEADING.search(line.text)
        if match and heading_style(line.text):
            return int(match.group(1)), "a heading naming the year's 法治政府建设"
    counts = Counter(int(y) for line in body for y in _YEAR_MENTION.findall(line.text))
    if counts:
        (year, count), total = counts.most_common(1)[0], sum(counts.values())
        if count >= 3 and count >= 0.4 * total:
            return year, f"the year most named in the text ({count} of {total} mentions)"
    first_lines = " ".join(line.text for line in body[: _OPENING_LINES + 2])
    if published and _THIS_YEAR.search(first_lines):
        return int(published[:4]), "今年以来 in the opening, read against the publication date"
    if published and _PAST_YEAR.search(first_lines):
        year, month = int(published[:4]), int(published[5:7])
        return (year if month >= 7 else year - 1), (
            "一年来 in the opening, read against the publication date"
        )
    for line in opening[:1]:
        # "2021年以来,…": since that year, in a report on it when no later year is named.
        match = _YEAR_SINCE.match(line.text)
        if match and all(int(y) <= int(match.group(1)) for other in body
                         for y in _YEAR_MENTION.findall(other.text)):  # fmt: skip
            return int(match.group(1)), "the opening (…年以来), no later year named"
    match = _URL_DATE.search(url)
    if match:
        # An annual report is posted in the first half of the year after the one it is about.
        year, month = int(match.group(1)), int(match.group(2))
        return (year if month >= 7 else year - 1), "the date in the page's address"
    return None, ""


def _published(lines: list[Line], text: str) -> tuple[str, str]:
    """The publication date: a page property, the date line at the end, or the date of a
    speech under the title ("(2023年6月27日在…会议上)"). A date elsewhere in the head (a
    site's clock) never counts."""
    found = {m.group(1): m.groups()[1:] for m in _PROPERTY_DATE.finditer(text)}
    for key in ("发布日期", "发布时间", "成文日期"):
        if key in found:
            return _iso(*map(int, found[key])), f"the page's {key} property"
    for line in reversed(lines[-8:]):
        match = _DATE_LINE.match(line.text)
        if match:
            return _iso(*map(int, match.groups())), "the date line at the end"
        match = _CN_DATE_LINE.match(line.text)
        if match:
            parts = [parse_chinese_number(part.replace("o", "〇")) for part in match.groups()]
            if None not in parts:
                return _iso(*parts), "the date line at the end (in Chinese numerals)"
    for line in lines[:_HEAD_LINES]:
        match = _SPEECH_DATE.match(line.text)
        if match:
            return _iso(*map(int, match.groups())), "the date of the speech under the title"
    for line in lines[:_HEAD_LINES]:
        match = _POSTED.search(line.text)
        if match:
            return _iso(*map(int, match.groups())), "the posting time in the head of the page"
    return "", ""


def _iso(year: int, month: int, day: int) -> str:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _doc_number(lines: list[Line]) -> tuple[int, int] | None:
    for line in lines:
        if len(line.text) > 80:
            break  # the body has started: numbers there are cited documents, not this one
        match = _DOC_NUMBER.search(line.text)
        if match and _CITED.search(line.text[: match.start()]):
            continue  # "根据《…规定》(厅字〔2019〕28号)": a cited document's number
        if match:
            start = match.start()
            # "文号:遂府〔2024〕6号": the pattern's leading Han run may swallow the label.
            label = re.match(r".*[::]\s*", line.text[: match.end()])
            if label and label.end() > start:
                start = label.end()
            return line.start + start, line.start + match.end()
    return None


def _issuer(lines: list[Line], title: str, report_name: str, subject: Subject,
            head: list[Line], opening: list[Line],
            gazetteer: Gazetteer) -> tuple[str | None, str]:  # fmt: skip
    """The issuer as written: the title's prefix ("XX人民政府关于…"), the signature line at
    the end, the issuer of a report named in the head, the government or department opening
    the body, the page's 发布机构/发文机关 property."""
    match = _ISSUER_IN_TITLE.match(_LEADING_NUMBER.sub("", title))
    if match:
        return match.group(1), "the title's prefix (…关于)"
    for line in reversed(lines[-8:]):
        if _ISSUER_LINE.match(line.text):
            return line.text, "the signature line at the end"
    match = _ISSUER_IN_TITLE.match(_LEADING_NUMBER.sub("", report_name))
    if match and not re.search(r"[我本]|^现", match.group(1)):  # not "现将我局…报告如下"
        return match.group(1), "the name of the report in the head of the page"
    if subject.body:
        return subject.body, "the subject of the opening sentence"
    if subject.clause and any(start == 0 for start, _ in gazetteer.mentions(subject.clause)):
        return None, ""  # "下陆区坚持…": the place itself speaks, its government (not the
        # department a page's 发布机构 names)
    for line in head:
        crumbs = [name for name in _CRUMB.findall(line.text) if is_government_body(name)]
        if crumbs and ">" in line.text:
            return crumbs[-1], "the page's breadcrumb"
    if _SELF.search(subject.clause):
        for match in _ABOVE.finditer(" ".join(line.text for line in opening[:1])):
            issuer = canonical_issuer(match.group(1) + "局")
            if issuer in known_issuers() and issuer not in ("人民政府", "政府办公室"):
                return issuer, "the department above the one that says 我厅/我局"
    for line in head:
        match = _ISSUER_PROPERTY.search(line.text)
        if match and is_government_body(match.group(2)):
            return match.group(2), f"the page's {match.group(1)} property"
    return None, ""


def _issuer_and_level(issuer_line: str | None, division: Division | None, subject: Subject,
                      gazetteer: Gazetteer, sources: dict) -> tuple[str, str]:  # fmt: skip
    """The canonical issuer (``indexer.issuers``) and the tier of the issuing government:
    a national body (a ministry, named with no place); else the tier of the report's place,
    or the finer tier its opening speaks as (区司法局 in a report placed in 重庆); else that
    tier. A report that names no issuer but a place is its government's."""
    places: tuple[str, ...] = ()
    if division:
        names = {division.province, division.city or "", division.name}
        places = tuple(n for name in names if name for n in (name, short_name(name)))
    if issuer_line:
        issuer = canonical_issuer(issuer_line, places)
    elif division:
        issuer, sources["issuer"] = "人民政府", "no other issuer named: the place's government"
    else:
        issuer = ""
    if issuer_line and not division and _NATIONAL.search(issuer_line):
        sources["level"] = "a national body, named with no place"
        return issuer, "national"
    if division:
        level = division.level
        municipality = division.level == "province" and division.city
        region = division.name.endswith("自治区") and subject.marker == "区"  # 全区: the region
        if (
            subject.tier
            and TIERS.index(subject.tier) > TIERS.index(level)
            and not ((municipality and subject.tier == "city") or region)
        ):
            sources["level"] = "the tier the opening speaks as (区司法局, 县政府 …)"
            return issuer, subject.tier
        sources["level"] = "the level of the place in the gazetteer"
        return issuer, level
    if subject.tier:
        sources["level"] = "the tier the opening speaks as (区司法局, 县政府 …)"
    return issuer, subject.tier


def _script(original: str, normalized: NormalizedText) -> tuple[str, float]:
    """ "traditional" when at least 5% of the Han characters changed on normalizing, and
    that share."""
    import numpy as np  # imported here: only indexing needs it

    search = np.frombuffer(normalized.text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    source = np.frombuffer(original.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    han = (search >= 0x4E00) & (search <= 0x9FFF)
    starts = np.array(normalized.starts, dtype=np.int64)
    changed = np.count_nonzero(han & (source[starts] != search)) if len(starts) else 0
    count = np.count_nonzero(han)
    share = changed / count if count else 0.0
    return ("traditional" if share >= 0.05 else "simplified"), share
