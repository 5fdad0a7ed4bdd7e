"""The command line, through click's CliRunner: every command and output format."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import ROOT, SEED_FILES, SEEDS, index_of
from reportsearch.cli import cli
from reportsearch.indexer.normalizing import normalize_for_search as normalize
from reportsearch.query.render import HIT_COLUMNS

HIT_KEYS = {"report", "title", "province", "city", "district", "year", "section", "category",
            "snippet", "matches", "score"}  # fmt: skip


@pytest.fixture
def run(seed_index_dir):
    def invoke(*args, input=None, index_dir=seed_index_dir):
        runner = CliRunner()
        return runner.invoke(cli, ["--index-dir", str(index_dir), *args], input=input)

    return invoke


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportsearch: error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_search_text(run):
    result = run("search", "柔性执法")
    assert result.exit_code == 0
    assert "4 passages in 2 reports match 柔性执法" in result.stdout
    assert "«柔性執法»" in result.stdout and "«柔性执法»" in result.stdout
    assert "\nfacets: reports (passages)\n" in result.stdout
    assert "\ncity: 盘锦市 1 (3), 遂宁市 1 (1)\n" in result.stdout


def test_search_json_schema(run):
    result = run("search", "柔性執法", "--format", "json", "--limit", "0")
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "reports", "hits", "facets"}
    assert (data["total"], data["reports"]) == (4, 2)
    assert all(HIT_KEYS <= set(hit) for hit in data["hits"])
    assert sum(hit["matches"] for hit in data["hits"]) == 15
    assert set(data["facets"]) == {"province", "city", "district", "year", "issuer", "level",
                                   "kind", "category", "metric"}  # fmt: skip
    assert data["facets"]["city"] == [
        {"value": "盘锦市", "count": 3, "reports": 1},
        {"value": "遂宁市", "count": 1, "reports": 1},
    ]
    assert [row["value"] for row in data["facets"]["year"]] == [2023, 2021]  # integers
    panjin = next(hit for hit in data["hits"] if hit["city"] == "盘锦市")
    assert "柔性執法" in panjin["snippet"] and isinstance(panjin["section"], list)


def test_search_every_report_and_exit_codes(run, monkeypatch):
    monkeypatch.setenv("REPORTSEARCH_HINTS", "1")  # as if a person read stderr
    data = json.loads(run("search", "执法", "--format", "json").stdout)
    assert data["reports"] == 5
    assert len({hit["report"] for hit in data["hits"]}) == 5  # on the first page, too
    nothing = run("search", "不存在的短语xyz")
    assert nothing.exit_code == 1
    assert "--words" not in nothing.stdout + nothing.stderr  # words would not help here
    apart = run("search", "出庭负责人行政机关")
    assert apart.exit_code == 1 and "add --words to see them" in apart.stderr
    assert run("search", "出庭负责人行政机关", "--words").exit_code == 0


def test_search_jsonl_and_csv(run):
    lines = run("search", "柔性执法", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 4 and all(json.loads(line)["query"] == "柔性执法" for line in lines)
    rows = list(csv.DictReader(io.StringIO(run("search", "柔性执法", "--format", "csv").stdout)))
    assert len(rows) == 4 and tuple(rows[0]) == HIT_COLUMNS
    assert {row["city"] for row in rows} == {"盘锦市", "遂宁市"}


def test_search_options(run):
    data = json.loads(run("search", "执法", "--city", "盤錦", "--format", "json").stdout)
    assert {hit["city"] for hit in data["hits"]} == {"盘锦市"}
    data = json.loads(run("search", '"出庭应诉率" year:2023', "--format", "json").stdout)
    assert [hit["city"] for hit in data["hits"]] == ["遂宁市"]
    data = json.loads(
        run("search", "执法", "--group", "report", "--facets", "year", "--format", "json").stdout
    )
    assert len(data["hits"]) == 5 and list(data["facets"]) == ["year"]
    assert all("passages" in hit for hit in data["hits"])
    data = json.loads(run("search", "执法", "--sort", "year", "--format", "json").stdout)
    assert data["hits"][0]["year"] == 2023


def test_search_errors_are_one_line(run):
    assert_one_line_error(run("search", "(执法"), "unclosed parenthesis")
    assert_one_line_error(run("search", "colour:red"), "unknown field 'colour'")
    assert_one_line_error(run("search", "执法", "--facets", "colour"), "unknown facet")
    usage = run("search")
    assert usage.exit_code == 2 and "Traceback" not in usage.output


def test_batch_answers_in_input_order(run):
    queries = "柔性执法\n\n(执法\n柔性執法 city:遂宁\n不存在xyz\n"
    result = run("search", "--batch", "-", "--format", "jsonl", input=queries)
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["query"] for o in objects] == ["柔性执法", "(执法", "柔性執法 city:遂宁", "不存在xyz"]
    assert objects[0]["total"] == 4 and "error" in objects[1] and objects[2]["total"] == 1
    assert objects[3]["total"] == 0
    assert result.exit_code == 2  # one query was malformed
    good = run("search", "--batch", "-", "--format", "json", input="柔性执法\n出庭应诉率\n")
    assert good.exit_code == 0 and len(json.loads(good.stdout)) == 2


def test_facets_command(run):
    result = run("facets", "法治政府建设", "--by", "year")
    assert result.exit_code == 0
    assert "year: 2023 1 (9), 2021 1 (5), 2020 2 (15), (no year) 1 (8)" in result.stdout
    data = json.loads(run("facets", "法治政府建设", "--by", "year,city", "--format", "json").stdout)
    assert [row["value"] for row in data["facets"]["year"]] == [2023, 2021, 2020, None]
    assert set(data["facets"]) == {"year", "city"}
    rows = list(
        csv.DictReader(io.StringIO(run("facets", "执法", "--by", "year", "--format", "csv").stdout))
    )
    assert {row["facet"] for row in rows} == {"year"}
    assert run("facets", "不存在xyz").exit_code == 1


def test_reports_from_index_and_from_files(run, tmp_path):
    data = json.loads(run("reports", "--format", "json").stdout)
    keys = {"report", "file", "title", "province", "city", "district", "level", "year",
            "published", "doc_number", "issuer", "kind", "script"}  # fmt: skip
    assert len(data) == 5 and all(keys <= set(row) for row in data)
    suining = next(row for row in data if row["city"] == "遂宁市")
    assert (suining["year"], suining["published"], suining["doc_number"]) == (
        2023,
        "2024-02-07",
        "遂府〔2024〕6号",
    )
    table = run("reports").stdout
    assert "盘锦市" in table and "traditional" in table
    shutil.copy(SEEDS / f"{SEED_FILES['巴南']}.txt", tmp_path / "banan.txt")
    (tmp_path / "broken.txt").write_bytes(b"")
    direct = run("reports", str(tmp_path), "--format", "csv")
    assert direct.exit_code == 1 and "broken.txt: empty file" in direct.stderr
    rows = list(csv.DictReader(io.StringIO(direct.stdout)))
    assert [(row["report"], row["district"], row["published"]) for row in rows] == [
        ("banan", "巴南区", "2021-01-11")
    ]


def test_index_command(run, tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)))
    result = run("index", str(folder), index_dir=tmp_path / "index")
    assert result.exit_code == 1  # one file skipped
    assert "5 reports" in result.stdout and "zz_binary.txt" in result.stderr
    (folder / "zz_binary.txt").unlink()
    again = run("index", str(folder), "--format", "json", index_dir=tmp_path / "index")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["unchanged"] == 5
    rebuilt = run(
        "index", str(folder), "--rebuild", "--format", "json", index_dir=tmp_path / "index"
    )
    assert json.loads(rebuilt.stdout)["rebuilt"] is True


def test_first_search_builds_the_index(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # where seeds/ is
    result = CliRunner().invoke(cli, ["--index-dir", str(tmp_path / "new"), "search", "柔性执法"])
    assert result.exit_code == 0
    assert "building it from seeds/" in result.stderr
    assert "4 passages in 2 reports" in result.stdout


def test_wrong_format_index_is_refused(tmp_path):
    (tmp_path / "CURRENT").write_text(json.dumps({"format": 0, "generation": "gen-000001"}))
    result = CliRunner().invoke(cli, ["--index-dir", str(tmp_path), "search", "执法"])
    assert_one_line_error(result, "rebuild with: reportsearch index --rebuild")


@pytest.mark.parametrize("command", [[], ["search"], ["facets"], ["index"], ["reports"]])
def test_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_metrics_command(run):
    data = json.loads(run("metrics", "出庭应诉率", "--format", "json").stdout)
    assert data["indicator"] == "出庭应诉率"
    assert [(r["city"], r["value"], r["unit"]) for r in data["rows"]] == [
        ("自贡市", 100, "%"),
        ("遂宁市", 93.16, "%"),
    ]
    assert set(data["rows"][0]) == {"report", "passage", "province", "city", "district",
                                    "year", "indicator", "canonical", "value", "unit",
                                    "qualifier", "kind", "quote"}  # fmt: skip
    aid = run("metrics", "法律援助案件", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(aid.stdout)))
    assert sorted((r["city"], r["value"], r["unit"]) for r in rows) == [
        ("盘锦市", "2001", "件"), ("遂宁市", "3636", "件"), ("重庆市", "1207", "件")
    ]  # fmt: skip
    filtered = json.loads(
        run("metrics", "调解成功率", "--province", "四川", "--min", "99", "--format", "json").stdout
    )
    assert [(r["city"], r["value"]) for r in filtered["rows"]] == [("自贡市", 99.5)]
    listing = json.loads(run("metrics", "--format", "json").stdout)["indicators"]
    assert {"canonical": "法律援助案件", "reports": 3, "facts": 3} in listing
    everything = run("metrics", "--all", "--format", "jsonl").stdout.splitlines()
    assert len(everything) > 200 and all("quote" in json.loads(line) for line in everything)
    assert run("metrics", "不存在的指标").exit_code == 1
    text = run("metrics", "出庭应诉率").stdout
    assert "93.16" in text and "全市行政机关负责人出庭应诉率93.16%" in text


def test_metric_search_highlights_the_fact(run):
    data = json.loads(run("search", "metric:出庭应诉率>=95", "--format", "json").stdout)
    (hit,) = data["hits"]
    shown = [hit["snippet"][a:b] for a, b in hit["highlights"]]
    assert shown == ["全市行政机关负责人出庭应诉率达100%"] and hit["matches"] == 1


def test_an_empty_index_answers_nothing_found(run, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    index_dir = tmp_path / "index"
    assert run("index", str(empty), index_dir=index_dir).exit_code == 0
    for command in (["search", "执法"], ["facets", "执法"]):
        result = run(*command, index_dir=index_dir)
        assert result.exit_code == 1, result.output
        assert "is empty" in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1


# ---- serve ------------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch):
    """Captures what ``serve`` would run instead of listening (and the port stays free)."""
    from reportsearch.web import server

    class Listening:  # what server.bind gives, without taking the port
        def __init__(self, host, port):
            self.address = (host, port)

        def getsockname(self):
            return self.address

        def close(self):
            pass

    calls = []
    monkeypatch.setattr(server, "bind", lambda host, port: [Listening(host, port)])

    def run(built, sockets):
        host, port = sockets[0].address
        calls.append((built.config.app, {"host": host, "port": port}))

    monkeypatch.setattr(server, "run", run)
    return calls


def test_serve_binds_to_loopback_and_answers_localhost_only(run, served):
    from starlette.testclient import TestClient

    result = run("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "http://localhost:8123/" in result.stderr
    app, options = served[0]
    assert options["host"] == "127.0.0.1" and options["port"] == 8123
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/api/search", params={"q": "柔性执法"}).json()["reports"] == 2
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_serve_beyond_this_machine_warns(run, served):
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 0 and "anyone who can reach" in result.stderr


def test_serve_refuses_a_missing_index_in_one_line(tmp_path, served, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no seeds/ here, so nothing is built on first use
    result = CliRunner().invoke(cli, ["--index-dir", str(tmp_path / "none"), "serve"])
    assert_one_line_error(result, "no index at")
    assert served == []


# ---- show -------------------------------------------------------------------------------------


def test_show_reads_the_report_with_its_outline_and_highlights(run):
    report = SEED_FILES["盘锦"]
    result = run("show", report, "柔性执法", "--no-color")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("«柔性執法»") == 14  # in the report's own characters
    assert "outline:" in result.stdout and "  一、主要工作成效" in result.stdout
    assert "city: 盘锦市  (the subject of the opening sentence, via the gazetteer)" in result.stdout
    assert "14 matches of 柔性执法" in result.stderr


def test_show_one_passage_and_json(run):
    report = SEED_FILES["遂宁"]
    data = json.loads(run("show", report, "柔性执法", "--format", "json").stdout)
    hit = next(p for p in data["passages"] if p["matches"])
    one = run("show", hit["passage"], "柔性执法", "--format", "json")
    assert one.exit_code == 0
    only = json.loads(one.stdout)
    assert [p["passage"] for p in only["passages"]] == [hit["passage"]] and only["matches"] == 1
    text = run("show", hit["passage"], "柔性执法", "--no-color").stdout
    assert "outline:" not in text and "«柔性执法»" in text


def test_show_exit_codes(run):
    assert run("show", SEED_FILES["遂宁"], "没有这个词").exit_code == 1
    assert run("show", SEED_FILES["遂宁"]).exit_code == 0
    assert_one_line_error(run("show", "nope"), "no report 'nope'")
    assert_one_line_error(run("show", SEED_FILES["遂宁"] + "#9999"), "has no passage")


def test_index_and_reports_name_the_copies(tmp_path):
    source = tmp_path / "reports"
    source.mkdir()
    original = SEEDS / f"{SEED_FILES['遂宁']}.txt"
    shutil.copy(original, source / "original.txt")
    shutil.copy(original, source / "copy.txt")
    runner = CliRunner()
    indexed = runner.invoke(cli, ["--index-dir", str(tmp_path / "i"), "index", str(source)])
    assert indexed.exit_code == 0, indexed.output
    assert "1 reports" in indexed.stdout and f"{source / 'original.txt'} = copy" in indexed.stdout
    listed = runner.invoke(cli, ["--index-dir", str(tmp_path / "i"), "reports"])
    assert "1 file(s) not indexed, copies of a report:" in listed.stdout
    data = json.loads(runner.invoke(cli, ["--index-dir", str(tmp_path / "i"), "reports",
                                          "--format", "json"]).stdout)  # fmt: skip
    assert data[0]["duplicates"] == [{"report": "original", "file": str(source / "original.txt")}]


# ---- never lose an index ---------------------------------------------------------------------


def test_the_data_loss_sequence_is_refused_and_the_index_still_answers(tmp_path, monkeypatch):
    source = tmp_path / "reports"
    shutil.copytree(SEEDS, source)
    index_dir = str(tmp_path / "myindex")
    runner = CliRunner()
    assert runner.invoke(cli, ["--index-dir", index_dir, "index", str(source)]).exit_code == 0
    monkeypatch.chdir(tmp_path)  # outside the repository: no ./seeds here
    # without paths, an index updates from the folders it was built from
    again = runner.invoke(cli, ["--index-dir", index_dir, "index", "--rebuild"])
    assert again.exit_code == 0 and "5 reports" in again.stdout
    assert f"updating from {source.resolve()}" in again.stderr
    wrong = runner.invoke(cli, ["--index-dir", index_dir, "index", "--rebuild", "seeds"])
    assert_one_line_error(wrong, "would leave 0 of the index's 5 reports", "not found: seeds",
                          "--force")  # fmt: skip
    found = runner.invoke(cli, ["--index-dir", index_dir, "search", "柔性执法"])
    assert found.exit_code == 0 and "in 2 reports" in found.stdout
    forced = runner.invoke(cli, ["--index-dir", index_dir, "index", "--rebuild", "--force",
                                 "seeds"])  # fmt: skip
    assert forced.exit_code == 1  # the missing folder was skipped
    empty = runner.invoke(cli, ["--index-dir", index_dir, "search", "柔性执法"])
    assert empty.exit_code == 1 and "is empty" in empty.stderr


def test_a_damaged_index_is_one_line_with_the_rebuild_command(tmp_path):
    index_dir = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(SEEDS)]).exit_code == 0
    for manifest in index_dir.glob("gen-*/engine-*.json"):
        manifest.write_text("{not json", "utf-8")
    broken = runner.invoke(cli, ["--index-dir", str(index_dir), "search", "执法"])
    assert_one_line_error(broken, "is damaged", "rebuild with: reportsearch index --rebuild")
    fixed = runner.invoke(cli, ["--index-dir", str(index_dir), "index", "--rebuild", str(SEEDS)])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(cli, ["--index-dir", str(index_dir), "search", "执法"]).exit_code == 0


# ---- grep conventions ---------------------------------------------------------------------------


def test_count_only(run):
    text = run("search", "柔性执法", "-c", "--facets", "city")
    assert text.exit_code == 0
    assert text.stdout.splitlines() == ["4 passages in 2 reports match 柔性执法",
                                        "facets: reports (passages)",
                                        "city: 盘锦市 1 (3), 遂宁市 1 (1)"]  # fmt: skip
    data = json.loads(run("search", "柔性执法", "--count", "--format", "json").stdout)
    assert (data["total"], data["reports"]) == (4, 2) and "hits" not in data
    assert run("search", "没有的词", "-c").exit_code == 1


def test_count_in_batch_keeps_zero_hit_rows(run):
    result = run("search", "--batch", "-", "-c", "--format", "csv",
                 input="柔性执法\n没有这个词\n行政复议\n")  # fmt: skip
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["query"], r["total"]) for r in rows] == [
        ("柔性执法", "4"),
        ("没有这个词", "0"),
        ("行政复议", rows[2]["total"]),
    ]
    assert int(rows[2]["total"]) > 0


def test_files_with_matches(run):
    result = run("search", "柔性执法", "-l")
    assert result.exit_code == 0
    expected = [str(SEEDS / f"{SEED_FILES[city]}.txt") for city in ("盘锦", "遂宁")]
    assert result.stdout.splitlines() == expected
    rows = json.loads(run("search", "柔性执法", "-l", "--format", "json").stdout)
    assert [r["report"] for r in rows] == [SEED_FILES["盘锦"], SEED_FILES["遂宁"]]


def test_quiet_sets_only_the_exit_code(run):
    found, missing = run("search", "柔性执法", "-q"), run("search", "没有这个词", "-q")
    assert (found.exit_code, found.stdout, missing.exit_code, missing.stdout) == (0, "", 1, "")


def test_context_shows_the_passages_around_each_hit(run):
    result = run("search", "柔性执法", "--city", "遂宁", "-C", "1", "--no-color")
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  > "))
    assert lines[at - 1].startswith("  │ ") and lines[at + 1].startswith("  │ ")
    data = json.loads(run("search", "柔性执法", "--city", "遂宁", "-C", "2", "--format",
                          "json").stdout)  # fmt: skip
    assert len(data["hits"][0]["context"]["before"]) == 2
    assert len(data["hits"][0]["context"]["after"]) == 2


def test_kwic_aligns_the_matches(run):
    result = run("search", "柔性执法", "--kwic", "--limit", "0", "--no-color")
    heading, *lines = result.stdout.splitlines()
    assert heading == "15 occurrences in 4 passages of 2 reports match 柔性执法"
    assert len(lines) == 15  # every occurrence, one line each
    from reportsearch.query.terminal import text_width

    columns = {text_width(line.split(" | ")[0]) for line in lines}
    assert len(columns) == 1  # the matches start in one column
    rows = list(csv.DictReader(io.StringIO(run("search", "柔性执法", "--kwic", "--format",
                                               "csv").stdout)))  # fmt: skip
    assert {normalize(r["match"]) for r in rows} == {"柔性执法"}


def test_index_dir_after_the_command(seed_index_dir):
    result = CliRunner().invoke(cli, ["search", "柔性执法", "-c", "--index-dir",
                                      str(seed_index_dir)])  # fmt: skip
    assert result.exit_code == 0 and "in 2 reports" in result.stdout


def test_color_always_in_a_pipe_and_never_with_no_color(run):
    assert "\x1b[" in run("search", "柔性执法", "--color", "always").stdout
    assert "\x1b[" not in run("search", "柔性执法").stdout  # CliRunner is not a terminal


def test_no_color_is_honoured_on_a_terminal(seed_index_dir):
    import pty

    def on_terminal(env_extra):
        leader, follower = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env_extra
        process = subprocess.Popen(
            [sys.executable, "-m", "reportsearch.cli", "--index-dir", str(seed_index_dir), "search",
             "柔性执法", "--facets", ""], stdout=follower, stderr=follower, env=env,
        )  # fmt: skip
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks).decode("utf-8", "replace")

    assert "\x1b[" in on_terminal({})
    assert "\x1b[" not in on_terminal({"NO_COLOR": "1"})


# ---- counting what researchers count -------------------------------------------------------------


def test_trend_by_year_and_place_loads_into_pandas_with_integer_years(run):
    pandas = pytest.importorskip("pandas")
    result = run("trend", "执法", "--by", "year,province", "--format", "csv")
    assert result.exit_code == 0
    frame = pandas.read_csv(io.StringIO(result.stdout), dtype={"year": "Int64"})  # README's
    assert list(frame.columns) == ["province", "year", "reports", "all_reports", "share"]
    assert str(frame["year"].dtype) == "Int64" and frame["year"].isna().sum() == 1
    sichuan = frame[frame["province"] == "四川省"].set_index("year")
    assert sichuan.loc[2020, "reports"] == 1 and sichuan.loc[2023, "all_reports"] == 1
    assert list(frame["province"].drop_duplicates()) == ["重庆市", "辽宁省", "四川省"]  # pinyin


def test_trend_shares_and_first_mentions(run):
    data = json.loads(run("trend", "柔性执法", "--format", "json").stdout)
    assert [(r["year"], r["reports"], r["all_reports"], r["share"]) for r in data["rows"]] == [
        (2020, 0, 2, 0.0),
        (2021, 1, 1, 1.0),
        (2023, 1, 1, 1.0),
        (None, 0, 1, 0.0),
    ]
    first = json.loads(run("trend", "柔性执法", "--first", "--format", "json").stdout)
    assert [(r["city"], r["first_year"]) for r in first["rows"]] == [
        ("盘锦市", 2021),
        ("遂宁市", 2023),
    ]
    text = run("trend", "柔性执法").stdout
    assert "all reports  0/2   1/1   1/1" in text
    assert run("trend", "没有这个词").exit_code == 1


def test_metrics_pivot_one_row_per_place_one_column_per_year(run):
    pandas = pytest.importorskip("pandas")
    result = run("metrics", "出庭应诉率", "--pivot", "city,year", "--format", "csv")
    frame = pandas.read_csv(io.StringIO(result.stdout), index_col="city")
    frame.columns = frame.columns.astype(int)  # the header is the years, as plain numbers
    assert frame.loc["自贡市", 2020] == 100 and frame.loc["遂宁市", 2023] == pytest.approx(93.16)
    assert list(frame.columns) == sorted(frame.columns)


def test_xlsx_for_search_trend_and_metrics(run):
    openpyxl = pytest.importorskip("openpyxl")
    for args in (["search", "柔性执法"], ["trend", "柔性执法"], ["metrics", "出庭应诉率"]):
        result = run(*args, "--format", "xlsx")
        assert result.exit_code == 0, result.output
        sheet = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes)).active
        header = [cell.value for cell in sheet[1]]
        assert sheet.max_row > 1 and header[0] in ("report", "year")
    sheet = openpyxl.load_workbook(io.BytesIO(run("trend", "柔性执法", "--format",
                                                  "xlsx").stdout_bytes)).active  # fmt: skip
    assert [cell.value for cell in sheet[2]][:2] == [2020, 0]  # numbers stay numbers


def test_csv_with_a_bom_for_excel(run):
    assert run("search", "柔性执法", "--format", "csv", "--bom").stdout.startswith("\ufeffreport,")
    assert run("search", "柔性执法", "--format", "csv").stdout.startswith("report,")


def test_sort_by_place_in_pinyin_and_oldest_first(run):
    cities = [
        h["city"]
        for h in json.loads(
            run("search", "执法", "--group", "report", "--sort", "city", "--format", "json").stdout
        )["hits"]
    ]
    assert cities == ["重庆市", "南充市", "盘锦市", "遂宁市", "自贡市"]  # chongqing, nanchong, …
    years = [
        h["year"]
        for h in json.loads(
            run(
                "search", "执法", "--group", "report", "--sort", "oldest", "--format", "json"
            ).stdout
        )["hits"]
    ]
    assert years == [2020, 2020, 2021, 2023, None]


def test_no_hint_in_scripts_and_jieba_is_not_loaded(run, monkeypatch):
    """Issue 17 row 7, issue 20: a script that finds nothing never pays for a word
    dictionary, text into a pipe included (the words hint is for a person at a terminal)."""
    from reportsearch.indexer import words

    def no_dictionary(name):
        raise AssertionError(f"the {name} dictionary was loaded")

    monkeypatch.setattr(words, "_load", no_dictionary)
    monkeypatch.delenv("REPORTSEARCH_HINTS", raising=False)
    for options in (["-c"], ["--format", "json"], ["--format", "csv"], ["-l"], []):
        result = run("search", "出庭负责人行政机关", *options)
        assert result.exit_code == 1, (options, result.output)
        assert "hint" not in result.stderr


@pytest.mark.parametrize(
    "query, cause",
    [
        ("'柔性执法'", "ASCII quotes"),
        ("柔性*", "wildcards"),
        ("柔性执法 -", "'-' with nothing after it"),
    ],
)
def test_hints_name_the_real_cause(run, query, cause):
    """Issue 17 row 8: not "add --words" when the cause is syntax."""
    result = run("search", query)
    assert result.exit_code == 1
    assert cause in result.stderr and "--words" not in result.stderr


def test_a_query_may_start_with_a_minus(run):
    """Issue 17 row 9: ``search -柔性执法`` is NOT 柔性执法, as the query language says."""
    every = json.loads(run("search", "--format", "json", "-c", "--year", "2021").stdout)
    alone = run("search", "-柔性执法", "--year", "2021", "-c", "--format", "json")
    assert alone.exit_code == 0, alone.output
    assert json.loads(alone.stdout)["total"] == every["total"] - 3  # 盘锦's three passages
    after = json.loads(run("search", "执法", "-柔性执法", "-c", "--format", "json").stdout)
    assert after["query"] == "执法 -柔性执法"
    assert run("facets", "-柔性执法", "--by", "year").exit_code == 0
    assert run("trend", "-柔性执法").exit_code == 0
    # an option's value stays the option's
    assert (
        json.loads(run("search", "执法", "--city", "-盘锦", "-c", "--format", "json").stdout)[
            "total"
        ]
        == 0
    )


# Runs the console script's two lines (``from cli import main; sys.exit(main())``) with a
# real SIGINT delivered while cli imports its libraries: deterministic, no timing.
CTRL_C_DURING_IMPORTS = """
import builtins, os, signal, sys
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "reportsearch.indexer.store":  # imported as the CLI starts
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["reportsearch", "search", "柔性执法"]
from reportsearch.cli import main
sys.exit(main())
"""


def test_ctrl_c_while_starting_is_one_line_and_130(tmp_path):
    """Issue 17 row 10: Ctrl-C in the first second printed a 20-line traceback."""
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_DURING_IMPORTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "REPORTSEARCH_INDEX_DIR": str(tmp_path)},
        # a run started in the background (``cmd &``) ignores SIGINT, and Python keeps that:
        # the child gets the default, as a terminal's process has
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == "reportsearch: interrupted\n"
    assert result.stdout == "" and not any(tmp_path.iterdir())


def test_index_without_paths_in_a_new_folder_says_which_folder_to_give(tmp_path, monkeypatch):
    """Issue 17 row 12: it made an empty index."""
    monkeypatch.chdir(tmp_path)  # no seeds/ here
    target = tmp_path / "new-index"
    result = CliRunner().invoke(cli, ["--index-dir", str(target), "index"])
    assert_one_line_error(result, "give the folder of reports", "reportsearch index")
    assert not target.exists()


def test_files_with_matches_keep_one_file_a_line(tmp_path):
    """Issue 18: ``-l`` printed a line feed in a file name as it is."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "odd\nname.txt")
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", folder / "plain.txt")
    index_dir = tmp_path / "index"
    assert CliRunner().invoke(cli, ["--index-dir", str(index_dir), "index", str(folder)]
                              ).exit_code == 0  # fmt: skip
    result = CliRunner().invoke(cli, ["--index-dir", str(index_dir), "search", "柔性执法", "-l"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [str(folder) + "/odd\\nname.txt",
                                          str(folder) + "/plain.txt"]  # fmt: skip


class _Zeros(io.RawIOBase):
    """An endless file of NUL bytes (/dev/zero) that fails a test reading too much of it."""

    def __init__(self, most: int):
        self.most, self.read_so_far = most, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.read_so_far += len(buffer)
        assert self.read_so_far <= self.most, "the batch file was read without a bound"
        buffer[:] = bytes(len(buffer))
        return len(buffer)


def test_batch_reads_lines_with_a_bound(run, monkeypatch):
    """Issue 18: ``search --batch /dev/zero`` ran out of memory."""
    from reportsearch import cli as cli_module

    monkeypatch.setattr(cli_module, "MAX_BATCH_SKIP", 1 << 20, raising=False)
    endless = io.BufferedReader(_Zeros(most=8 << 20))
    result = run("search", "--batch", "-", "--format", "jsonl", input=endless)
    assert result.exit_code == 2, result.output
    assert "the rest of the batch file is not read" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 1
    long_line = "柔性执法\n" + "执" * 70_000 + "\n行政复议\n"
    result = run(
        "search", "--batch", "-", "--format", "jsonl", "--facets", "", input=long_line.encode()
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row.get("total", 0) > 0 for row in rows] == [True, False, True]
    assert "longer than" in rows[1]["error"] and result.exit_code == 2


def test_ids_that_lost_their_zeros_and_the_readme_dtypes(tmp_path):
    """Issue 17 row 13: pandas read "033" as 33 and years as floats; ``show 33`` failed."""
    pandas = pytest.importorskip("pandas")
    import re

    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "033.txt")
    shutil.copy(SEEDS / f"{SEED_FILES['嘉陵']}.txt", folder / "7.txt")  # a report with no year
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", folder / "07.txt")
    index_dir = tmp_path / "index"

    def run_here(*args):
        return CliRunner().invoke(cli, ["--index-dir", str(index_dir), *args])

    assert run_here("index", str(folder)).exit_code == 0
    hits = run_here("search", "法治", "--limit", "0", "--format", "csv").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dtype = re.search(r"read_csv\(\"hits.csv\", dtype=(\{.*?\})\)", readme).group(1)
    frame = pandas.read_csv(io.StringIO(hits), dtype=eval(dtype))  # the README's line
    assert "033" in set(frame["report"]) and str(frame["year"].dtype) == "Int64"
    assert frame["year"].isna().any() and 2021 in set(frame["year"].dropna())
    shown = run_here("show", "33#28", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["passages"][0]["passage"] == "033#0028"
    assert_one_line_error(run_here("show", "007"), "07 or 7")  # could be either


def test_facets_lead_with_reports_and_say_which_count_is_which(run):
    """Issue 17 row 5: "四川省 4" read as four reports; it is three, in four passages."""
    text = run("facets", "法治", "--by", "province").stdout
    assert (
        "facets: reports (passages)\nprovince: 四川省 3 (32), 重庆市 1 (18), 辽宁省 1 (16)\n"
    ) in text
    rows = list(
        csv.DictReader(
            io.StringIO(run("facets", "法治", "--by", "province", "--format", "csv").stdout)
        )
    )
    assert list(rows[0])[:4] == ["facet", "value", "reports", "passages"]
    assert (rows[0]["value"], rows[0]["reports"], rows[0]["passages"]) == ("四川省", "3", "32")


def test_kwic_says_how_many_occurrences_it_shows_and_where_each_is(run):
    """Issue 17 row 6: 25 of 32 lines with no notice (only the first 10 passages), no
    province in the labels, no district column in the CSV."""
    every = json.loads(run("search", "法治", "--limit", "0", "--format", "json").stdout)
    occurrences = sum(hit["matches"] for hit in every["hits"])
    text = run("search", "法治", "--kwic", "--no-color").stdout.splitlines()
    assert text[0].endswith(f"(showing 10 of {occurrences}; --limit 0 for all)")
    assert len(text) == 11
    assert any(line.endswith("[辽宁省 盘锦市 2021]") for line in text)
    every_line = run("search", "法治", "--kwic", "--no-color", "--limit", "0").stdout
    assert "  [四川省 南充市 嘉陵区 no year]\n" in every_line
    rows = list(
        csv.DictReader(
            io.StringIO(run("search", "法治", "--kwic", "--limit", "0", "--format", "csv").stdout)
        )
    )
    assert len(rows) == occurrences > 10 * 2
    assert {"province", "district"} <= set(rows[0])
    assert {row["district"] for row in rows} >= {"巴南区", "嘉陵区"}
    data = json.loads(
        run("search", "法治", "--kwic", "--limit", "5", "--offset", "5", "--format", "json").stdout
    )
    assert data["occurrences"] == occurrences and len(data["lines"]) == 5


def test_trend_pivots_and_metrics_count_every_report_or_say_why_not(run):
    """Issue 17 row 4: the cells added up to 11 of 14 matching reports, without a word;
    reports with no year (嘉陵's news report) or place are null cells, and text says so."""
    total = json.loads(run("search", "法治", "-c", "--format", "json").stdout)["reports"]
    for by in ("year", "year,city", "year,province"):
        data = json.loads(run("trend", "法治", "--by", by, "--format", "json").stdout)
        assert sum(row["reports"] for row in data["rows"]) == total == 5
        assert [row["year"] for row in data["rows"] if row["year"] is None] == [None]
        assert data["unknown"]["year"] == 1
    rows = list(csv.DictReader(io.StringIO(run("trend", "法治", "--format", "csv").stdout)))
    assert sum(int(row["reports"]) for row in rows) == 5 and rows[-1]["year"] == ""
    text = run("trend", "法治").stdout
    assert "no year" in text.splitlines()[0]
    assert "1 of 5 reports that mention it has no year" in text
    first = json.loads(run("trend", "法治", "--first", "--format", "json").stdout)
    assert sum(row["reports"] for row in first["rows"]) == 5
    assert "1 of 5 reports that mention it has no year" in run("trend", "法治", "--first").stdout
    pivot = run("metrics", "人民调解组织", "--pivot", "city,year", "--format", "csv").stdout
    assert pivot.splitlines()[0] == "city,2020,no year" and "南充市,,19" in pivot
    pivot_text = run("metrics", "人民调解组织", "--pivot", "city,year").stdout
    assert "1 of 2 facts has no year" in pivot_text
    assert "1 of 2 facts has no year" in run("metrics", "人民调解组织").stdout


def test_the_readme_examples_are_what_the_commands_print(run):
    """Issue 17 row 15: the README's JSON example named passage #0028 (it is #0037) and a
    score the command did not print. The example is checked against a real run here."""
    import re

    readme = "".join(  # the JSON example lives in docs/json.md, the show commands in both
        (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/json.md")
    )
    query, example = re.search(r"`reportsearch search (\S+) --format json` prints one object"
                               r".*?```json\n(.*?)```", readme, re.S).groups()  # fmt: skip
    example = json.loads(example)
    real = json.loads(run("search", query, "--format", "json").stdout)
    assert (real["total"], real["reports"]) == (example["total"], example["reports"])
    shown, hit = example["hits"][0], real["hits"][0]
    for key in shown.keys() - {"snippet", "file"}:
        assert hit[key] == shown[key], key
    assert hit["snippet"].startswith(shown["snippet"].rstrip("…"))
    assert os.path.basename(hit["file"]) == os.path.basename(shown["file"])
    for name, values in example["facets"].items():
        assert real["facets"][name] == values, name
    cli_help = run("show", "--help").stdout
    targets = re.findall(r"reportsearch show '([^']+#\d+)'", readme + cli_help)
    assert targets and set(targets) == {shown["passage"]}  # the example's passage
    for target in targets:
        passage = json.loads(run("show", target, query, "--format", "json").stdout)
        assert passage["passages"][0]["passage"] == target and passage["matches"] > 0
    for report in re.findall(r"reportsearch show (\w+) ([^\s-]\S*)", readme + cli_help):
        assert run("show", *report).exit_code == 0, report


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv"])
@pytest.mark.parametrize("query", ["柔性执法", "法治", "year:2021 依法", "没有这样的句子"])
def test_every_hit_is_printed_as_made_and_as_a_whole_result_would_be(run, seed_index, fmt, query):
    """--limit 0 streams its hits (search(lazy=True) -> render.search_parts); what it prints
    is what the whole result written at once is, in every format that streams."""
    streamed = run("search", query, "--limit", "0", "--format", fmt)
    whole = run("search", query, "--limit", "100000", "--format", fmt)  # one page of all
    total = seed_index.search(query, limit=1).total
    assert not isinstance(seed_index.search(query, limit=0, lazy=True).hits, list)
    assert streamed.exit_code == whole.exit_code == (0 if total else 1)
    assert streamed.stdout == whole.stdout
    if total and fmt == "jsonl":
        assert len(streamed.stdout.splitlines()) == total  # every hit, not a page
    if fmt == "csv":  # with a byte-order mark for Excel, too
        bom = [run("search", query, "--bom", "--limit", limit, "--format", fmt).stdout
               for limit in ("0", "100000")]  # fmt: skip
        assert bom[0] == bom[1] and bom[0].startswith("\ufeffreport,")


def test_an_unknown_words_backend_is_one_error_not_an_empty_index(run, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTSEARCH_WORDS_BACKEND", "hanlp")
    result = run("index", str(SEEDS), index_dir=tmp_path / "index")
    assert_one_line_error(result, "hanlp", "REPORTSEARCH_WORDS_BACKEND")
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.parametrize(
    ("query", "reports"),
    [
        ("柔性执法 issuer:司法局", {"sft", "sfj"}),
        ("柔性执法 issuer:司法厅", {"sft", "sfj"}),  # one canonical issuer for 厅 and 局
        ("柔性执法 issuer:人民政府", {"gov", "news"}),
        ("柔性执法 level:province", {"sft"}),
        ("柔性执法 level:city", {"gov", "sfj", "news"}),
        ("柔性执法 kind:news", {"news"}),
        ("柔性执法 title:司法", {"sft", "sfj"}),
        ('柔性执法 title:"关于2021年"', {"gov"}),
    ],
)
def test_issuer_level_kind_and_title_filter(run, issuer_index_dir, query, reports):
    result = run("search", query, "--format", "json", "--limit", "0",
                 index_dir=issuer_index_dir)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {hit["report"] for hit in json.loads(result.stdout)["hits"]} == reports


def test_issuer_level_and_kind_are_options_and_facets(run, issuer_index_dir):
    result = run("search", "柔性执法", "--issuer", "司法局", "--kind", "report", "--format",
                 "json", "--facets", "issuer,level,kind", index_dir=issuer_index_dir)  # fmt: skip
    data = json.loads(result.stdout)
    assert {hit["report"] for hit in data["hits"]} == {"sft", "sfj"}
    assert data["facets"]["issuer"] == [{"value": "司法局", "count": 4, "reports": 2}]
    assert {row["value"] for row in data["facets"]["level"]} == {"province", "city"}
    everything = json.loads(run("facets", "--by", "issuer,kind", "--format", "json",
                                index_dir=issuer_index_dir).stdout)["facets"]  # fmt: skip
    assert {(row["value"], row["reports"]) for row in everything["issuer"]} == {
        ("人民政府", 2), ("司法局", 2)}  # fmt: skip
    assert {row["value"] for row in everything["kind"]} == {"report", "news"}
    nothing = run("search", "柔性执法", "--title", "生态环境", index_dir=issuer_index_dir)
    assert nothing.exit_code == 1


# ---- panel and concepts ---------------------------------------------------------------------


PANEL_TERMS = "复议\n免罚\t首违不罚|免罚清单|轻微违法\nconcept:柔性执法\n"


@pytest.fixture
def terms_file(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text(PANEL_TERMS, "utf-8")
    return path


def test_panel_is_one_row_per_report_and_concept(run, terms_file):
    import pandas as pd

    result = run("panel", "--terms", str(terms_file), "--format", "csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype={"report": str, "year": "Int64"})
    assert list(frame.columns) == ["report", "province", "city", "district", "year", "issuer",
                                   "level", "kind", "concept", "count", "reports",
                                   "all_reports", "chars", "per_10k"]  # fmt: skip
    assert len(frame) == len(SEED_FILES) * 3  # balanced: zero counts included
    assert set(frame["concept"]) == {"复议", "免罚", "柔性执法"}
    assert (frame["per_10k"] - frame["count"] * 10_000 / frame["chars"]).abs().max() < 1e-5
    text = run("panel", "--terms", str(terms_file))
    assert text.exit_code == 0 and "per_10k" in text.stdout.splitlines()[0]


def test_panel_json_jsonl_parquet_and_xlsx(run, terms_file):
    import pyarrow.parquet as pq

    data = json.loads(run("panel", "--terms", str(terms_file), "--by", "year",
                          "--format", "json").stdout)  # fmt: skip
    assert set(data) == {"by", "concepts", "rows"} and data["by"] == ["year"]
    assert data["concepts"][1] == {"concept": "免罚", "terms": ["首违不罚", "免罚清单", "轻微违法"]}
    assert set(data["rows"][0]) == {"year", "concept", "count", "reports", "all_reports",
                                    "chars", "per_10k"}  # fmt: skip
    lines = run("panel", "--terms", str(terms_file), "--by", "year", "--format", "jsonl")
    assert [json.loads(line) for line in lines.stdout.splitlines()] == data["rows"]
    parquet = run("panel", "--terms", str(terms_file), "--by", "city,year", "--format",
                  "parquet")  # fmt: skip
    assert parquet.exit_code == 0
    table = pq.read_table(io.BytesIO(parquet.stdout_bytes))
    assert table.column_names[:3] == ["province", "city", "year"]
    assert str(table.schema.field("count").type) == "int64"
    xlsx = run("panel", "--terms", str(terms_file), "--format", "xlsx")
    assert xlsx.exit_code == 0 and xlsx.stdout_bytes[:2] == b"PK"


def test_panel_filters_stdin_and_concepts_file(run, tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text("复议类\t行政复议|复议\n", "utf-8")
    result = run("panel", "--concepts", str(mine), "--province", "四川", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert rows and {row["concept"] for row in rows} == {"复议类"}
    assert {row["province"] for row in rows} == {"四川省"}
    piped = run("panel", "--terms", "-", "--concepts", str(mine), "--format", "json",
                input="concept:复议类\n")  # fmt: skip
    assert (
        json.loads(piped.stdout)["rows"]
        == json.loads(run("panel", "--concepts", str(mine), "--format", "json").stdout)["rows"]
    )
    nothing = run("panel", "--terms", "-", input="没有这个词\n")
    assert nothing.exit_code == 1  # nothing counted occurs


@pytest.mark.parametrize(
    "args, input, fragment",
    [
        ([], None, "give --terms FILE"),
        (["--terms", "missing.txt"], None, "cannot read terms file"),
        (["--terms", "-"], "concept:没有\n", "unknown concept '没有'; concepts are: 免罚"),
        (["--terms", "-"], "复议\n复议\n", "line 2: '复议' is counted already"),
        (["--terms", "-"], "x\t|\n", "has no terms"),
        (["--terms", "-", "--concepts", "missing.tsv"], "复议\n", "cannot read concepts file"),
    ],
)
def test_panel_bad_input_is_a_one_line_error(run, args, input, fragment):
    assert_one_line_error(run("panel", *args, input=input), fragment)


def test_concept_queries_in_search_facets_trend_and_show(run, tmp_path):
    found = json.loads(run("search", "concept:免罚", "--format", "json", "--limit", "0").stdout)
    union = set()
    for term in ("首违不罚", "首违免罚", "轻微免罚", "轻微不罚", "免罚清单", "不予处罚清单",
                 "轻微违法免罚", "包容免罚"):  # fmt: skip
        hits = json.loads(run("search", term, "--format", "json", "--limit", "0").stdout)
        union |= {hit["passage"] for hit in hits["hits"]}
    assert {hit["passage"] for hit in found["hits"]} == union and union
    facets = json.loads(run("facets", "concept:免罚", "--by", "year", "--format", "json").stdout)
    assert facets["total"] == len(union)
    trend = run("trend", "concept:免罚", "--format", "json")
    assert trend.exit_code == 0 and json.loads(trend.stdout)["rows"]
    report = next(iter(found["hits"]))["report"]
    assert run("show", report, "concept:免罚").exit_code == 0
    mine = tmp_path / "mine.tsv"
    mine.write_text("复议类\t行政复议|复议\n", "utf-8")
    assert run("search", "concept:复议类", "--concepts", str(mine), "-c").exit_code == 0
    assert_one_line_error(run("search", "concept:复议类"), "unknown concept '复议类'")
    assert_one_line_error(run("facets", "concept:没有"), "concepts are: 免罚")


@pytest.mark.parametrize("command", ["panel", "search", "facets", "trend"])
def test_panel_and_concept_help_has_examples(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert ("reportsearch panel --terms" if command == "panel" else "concept:") in result.stdout
    if command == "panel":  # the examples as typed, indented as every command's are
        assert "\n  Examples:\n    printf '复议\\n免罚\\t首违不罚" in result.stdout


@pytest.fixture(scope="module")
def two_years_dir(tmp_path_factory):
    """A place's reports of two years, the second with a figure edited and a section added."""
    body = ("盘锦市人民政府关于{year}年法治政府建设情况的报告\n"
            "{year}年,盘锦市坚持依法行政,推行柔性执法。\n一、主要工作\n"
            "办理行政复议案件{n}件,网格化柔性执法成效明显。\n")  # fmt: skip
    added = "二、下一步打算\n深化改革。\n"
    reports = {"p2020.txt": body.format(year=2020, n=12),
               "p2021.txt": body.format(year=2021, n=35) + added}  # fmt: skip
    return index_of(tmp_path_factory.mktemp("two-years"), reports)


def test_diff_marks_the_planted_change_and_finds_the_year_before(run, two_years_dir):
    result = run("diff", "p2021", "--format", "json", index_dir=two_years_dir)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"added", "removed", "changed", "unchanged"}
    assert any("办理行政复议案件[-12-]{+35+}件" in row["inline"] for row in data["changed"])
    assert [row["text"] for row in data["added"]] == ["二、下一步打算", "深化改革。"]
    same = run("diff", "--place", "盘锦", "--years", "2020,2021", "--format", "json",
               index_dir=two_years_dir)  # fmt: skip
    assert json.loads(same.stdout)["changed"] == data["changed"]
    assert run("diff", "p2021", "p2021", index_dir=two_years_dir).exit_code == 1
    assert_one_line_error(run("diff", "--years", "2020", index_dir=two_years_dir), "--place")
    assert_one_line_error(run("diff", "p2020", index_dir=two_years_dir), "year before")


def test_collocates_rank_the_planted_neighbour_first(run, two_years_dir):
    result = run("collocates", "柔性执法", "--format", "json", "--window", "2",
                 index_dir=two_years_dir)  # fmt: skip
    data = json.loads(result.stdout)
    assert set(data["rows"][0]) >= {"word", "count", "ll", "mi"}
    planted = next(row for row in data["rows"] if row["word"] == "网格化")
    assert (planted["count"], planted["left"], planted["right"]) == (2, 2, 0)
    assert run("collocates", "无此短语", index_dir=two_years_dir).exit_code == 1
    assert run("collocates", "柔性执法", "--window", "0", index_dir=two_years_dir).exit_code == 2


def test_reuse_finds_a_copied_passage_with_its_source(run, tmp_path):
    text = ("{city}市人民政府关于{year}年法治政府建设情况的报告\n一、主要工作\n"
            "我市创新推行网格化柔性执法机制,建立首违不罚清单制度,全年办理行政复议案件{n}件。\n"
            "{own}\n")  # fmt: skip
    own_a = "遂宁坚持依法行政,规范行政裁量权基准。"
    own_b = "盘锦深化综合行政执法改革,推进执法下沉。"
    index_of(tmp_path, {"a.txt": text.format(city="遂宁", year=2019, n=12, own=own_a),
                        "b.txt": text.format(city="盘锦", year=2021, n=35, own=own_b)})  # fmt: skip
    result = run("reuse", "--format", "json", index_dir=tmp_path / "index")
    assert result.exit_code == 0, result.output
    families = json.loads(result.stdout)["families"]
    assert len(families) == 1 and families[0]["source"] == "a"
    assert [row["report"] for row in families[0]["reports"]] == ["a", "b"]
    one = json.loads(run("reuse", "b", "--format", "json", index_dir=tmp_path / "index").stdout)
    assert one["share_earlier"] > 0 and one["share_later"] == 0
    assert run("reuse", "nosuch", index_dir=tmp_path / "index").exit_code == 2


def test_export_writes_passages_as_passim_reads_them(run, two_years_dir):
    result = run("export", "--format", "passim", index_dir=two_years_dir)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(row) == {"id", "series", "date", "text"} for row in rows)
    assert {row["series"] for row in rows} == {"盘锦市"}
    assert {row["date"] for row in rows} == {"2020-01-01", "2021-01-01"}
    assert "办理行政复议案件35件,网格化柔性执法成效明显。" in {row["text"] for row in rows}
