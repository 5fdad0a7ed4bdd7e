"""reportsearch's command line: parse arguments, call the library, print.

Search logic lives in ``query`` and ``indexer``; this module only turns their records into
text, JSON, JSON lines or CSV, and their typed errors into one-line messages and grep's exit
codes (0 found, 1 nothing found, 2 error).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path


def _interrupted_while_starting():
    """Ctrl-C while the libraries load (most of a second, before click can catch anything)
    ends like Ctrl-C later: one line, exit code 130, no traceback."""
    sys.stderr.write("reportsearch: interrupted\n")
    raise SystemExit(130)


try:
    import click
    from reportsearch.indexer import fields
    from reportsearch.indexer.errors import ReportNotFoundError, ReportSearchError, UsageError
    from reportsearch.indexer.limits import MAX_FILE_SIZE
    from reportsearch.indexer.store import DEFAULT_INDEX_DIR, INDEX_DIR_ENV, IndexStore
    from reportsearch.query import render
    from reportsearch.query.api import SORTS, open_index
    from reportsearch.query.parsing import MAX_QUERY_CHARACTERS
    from reportsearch.query.render import FORMATS
except KeyboardInterrupt:
    _interrupted_while_starting()

DEFAULT_SOURCE = "seeds"
FOUND, NOT_FOUND, ERROR = 0, 1, 2


class FieldCommand(click.Command):
    """A command some of whose options are made from the field registry
    (``indexer.fields``): each ``RegistryOptions`` stand-in is replaced, whenever the command
    parses or shows its help, by the options it makes from the registry as it is then. So a
    field added to the registry is an option of every query command with no edit here."""

    def get_params(self, ctx):
        params = []
        for param in super().get_params(ctx):
            params.extend(param.options() if isinstance(param, RegistryOptions) else [param])
        return params


class RegistryOptions(click.Option):
    """Stands, hidden, where the options ``build()`` makes go (see ``FieldCommand``)."""

    def __init__(self, param_decls, build=None, **attrs):
        super().__init__(param_decls, hidden=True, expose_value=False, **attrs)
        self.build = build
        self._built: tuple = (None, [])

    def options(self) -> list[click.Option]:
        # Made once per state of the registry: click tells parameters apart by identity
        # between parsing and processing, so one parse must see the same objects.
        if self._built[0] != fields.FIELDS:
            self._built = (fields.FIELDS, self.build())
        return self._built[1]


def registry_options(name: str, build):
    """Put the options ``build()`` makes from the field registry here, in option order."""
    return click.option(f"--{name}-from-registry", cls=RegistryOptions, build=build)


class ReportSearchGroup(click.Group):
    """Turns library errors into one-line messages with exit code 2 (never a traceback)."""

    command_class = FieldCommand  # every command may have options from the field registry

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ReportSearchError as error:
            _say(f"error: {error}")
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            # An interrupted ``index`` raises UpdateInterrupted, which says what was committed.
            _say("interrupted")
            ctx.exit(130)
        except BrokenPipeError:
            ctx.exit(FOUND)
        except Exception as error:  # a bug: say so in one line, keep tracebacks for debugging
            if os.environ.get("REPORTSEARCH_DEBUG"):
                raise
            _say(
                f"internal error: {type(error).__name__}: {error} "
                "(set REPORTSEARCH_DEBUG=1 for details)"
            )
            ctx.exit(ERROR)


class QueryCommand(FieldCommand):
    """A command whose QUERY may start with a minus: ``search -试点`` is the query's NOT
    (as docs/query-language.md says), not an unknown option ``-试``. An argument that
    is a minus before a non-ASCII character, and is not an option's value, joins QUERY."""

    def parse_args(self, ctx, args):
        takes_value = {name for param in self.get_params(ctx)
                       if isinstance(param, click.Option) and not param.is_flag
                       and not param.count
                       for name in (*param.opts, *param.secondary_opts)}  # fmt: skip
        kept, negated = [], []
        for at, arg in enumerate(args):
            if arg == "--":
                kept += args[at:]
                break
            if (len(arg) > 1 and arg[0] == "-" and not arg[1].isascii()
                    and not (kept and kept[-1] in takes_value)):  # fmt: skip
                negated.append(arg)
            else:
                kept.append(arg)
        rest = super().parse_args(ctx, kept)
        if negated:
            ctx.params["query"] = " ".join([ctx.params.get("query") or "", *negated]).strip()
        return rest


def output_options(command=None, *, spreadsheet: bool = False, parquet: bool = False):
    """``--format`` (with ``xlsx`` where ``spreadsheet``, ``parquet`` where ``parquet``) and
    ``--bom`` for every command that prints records; both reach ``_print`` through the click
    context."""

    def decorate(command):
        formats = FORMATS + (("xlsx",) if spreadsheet else ()) + (("parquet",) if parquet else ())

        @click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="text",
            show_default=True,
            help="text for people; json, jsonl, csv"
            + (", xlsx" if spreadsheet else "")
            + (", parquet" if parquet else "")
            + " for scripts, Excel, pandas, Stata and R.",
        )
        @click.option(
            "--bom",
            is_flag=True,
            help="Start CSV with a byte-order mark, so Excel reads it as UTF-8.",
        )
        @functools.wraps(command)
        def wrapper(*args, bom=False, **kwargs):
            click.get_current_context().meta["reportsearch.bom"] = bom
            return command(*args, **kwargs)

        return wrapper

    return decorate(command) if command is not None else decorate


def color_options(command):
    """``--color auto|always|never`` (auto: on a terminal, unless NO_COLOR is set) and
    ``--no-color``; the command gets ``color`` as True or False."""

    @click.option(
        "--color",
        "color_when",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Highlight matches: auto is on a terminal unless NO_COLOR is set.",
    )
    @click.option("--no-color", is_flag=True, help="Same as --color never.")
    @functools.wraps(command)
    def wrapper(*args, color_when="auto", no_color=False, **kwargs):
        if no_color:
            color_when = "never"
        if color_when == "auto":
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        else:
            color = color_when == "always"
        return command(*args, color=color, **kwargs)

    return wrapper


def max_file_size_option(command):
    """``--max-file-size MB``: the command gets ``max_file_size`` in bytes (None: no limit)."""

    @click.option(
        "--max-file-size",
        "max_file_size_mb",
        type=click.FloatRange(min=0),
        default=MAX_FILE_SIZE / 1048576,
        show_default=True,
        metavar="MB",
        help="Skip files larger than this, with a reason (0: no limit).",
    )
    @functools.wraps(command)
    def wrapper(*args, max_file_size_mb=0, **kwargs):
        limit = round(max_file_size_mb * 1048576) if max_file_size_mb else None
        return command(*args, max_file_size=limit, **kwargs)

    return wrapper


def index_dir_option(command):
    """``--index-dir`` after the command too (``reportsearch search x --index-dir DIR``);
    put below ``click.pass_obj``: it replaces the store the group made."""

    @click.option(
        "--index-dir",
        "local_index_dir",
        default=None,
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Where the index lives (or set ${INDEX_DIR_ENV}).",
    )
    @functools.wraps(command)
    def wrapper(store, *args, local_index_dir=None, **kwargs):
        if local_index_dir is not None:
            store = IndexStore(local_index_dir)
        return command(store, *args, **kwargs)

    return wrapper


def concepts_option(command):
    """``--concepts FILE``: concepts that ``concept:NAME`` may name besides the shipped ones
    (the command gets ``concepts``, the path or None; the library reads it)."""

    return click.option(
        "--concepts", "concepts", default=None, metavar="FILE",
        help="Concepts file (NAME<TAB>term|term|… a line) adding to or replacing the shipped "
             "concepts that concept:NAME names.",
    )(command)  # fmt: skip


def filter_options(command):
    """The registry's filter fields as options (``--city VALUE``); each means the same as
    ``NAME:VALUE`` in the query, and reaches the command in ``**kwargs`` (see ``_filters``)."""

    def build():
        return [click.Option([f"--{name}"], default=None, metavar="VALUE",
                             help=fields.named(name).help)
                for name in fields.filter_names()]  # fmt: skip

    return registry_options("filters", build)(command)


def _filters(kwargs) -> dict:
    """The filter options given, taken out of ``kwargs``: ``{"city": "盘锦"}``."""
    return {name: kwargs.pop(name) for name in fields.filter_names()
            if kwargs.get(name) is not None}  # fmt: skip


def _facets_option():
    """``search --facets``: its default is every facet of the registry."""
    return [click.Option(["--facets", "facet_names"], default=",".join(fields.facet_names()),
                         show_default=True,
                         help="Comma-separated facets to count; empty for none.")]  # fmt: skip


def _by_facet_option():
    """``facets --by``: the facets it may name are the registry's."""
    return [click.Option(["--by", "by"], multiple=True, default=None, metavar="FACET",
                         help="Facet to count (repeat or comma-separate): "
                              f"{', '.join(fields.facet_names())}. Default: all.")]  # fmt: skip


@click.group(cls=ReportSearchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=INDEX_DIR_ENV,
    default=Path(DEFAULT_INDEX_DIR),
    show_default=True,
    help=f"Where the index lives (or set ${INDEX_DIR_ENV}).",
)
@click.version_option("0.1.0", prog_name="reportsearch")
@click.pass_context
def cli(ctx, index_dir):
    """Search Chinese local governments' annual reports on building law-based government
    (法治政府建设年度报告).

    \b
    Quick start:
      reportsearch search 柔性执法               exact phrase, Simplified or Traditional
      reportsearch search '"出庭应诉率" year:2023'
      reportsearch facets 法治政府建设 --by year
      reportsearch metrics 出庭应诉率            figures stated, side by side
      reportsearch index path/to/reports        add, update or drop reports
    Exit codes: 0 found, 1 nothing found, 2 error.
    """
    ctx.obj = IndexStore(index_dir)


# ---- index --------------------------------------------------------------------------------


@cli.command(short_help="Add, update or drop reports in the index.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start from an empty index instead of updating.")
@click.option(
    "--wait", type=float, default=30.0, show_default=True,
    help="Seconds to wait for another process writing the index.",
)  # fmt: skip
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Processes reading reports while one writes the index (default: one per CPU).",
)  # fmt: skip
@click.option("--force", is_flag=True,
              help="Update or rebuild even if it leaves fewer than half the reports.")  # fmt: skip
@click.option(
    "--follow-links",
    is_flag=True,
    help="Read links that lead out of the folders given (skipped by default).",
)
@max_file_size_option
@output_options
@click.pass_obj
@index_dir_option
def index(store: IndexStore, paths, rebuild, wait, jobs, force, follow_links, max_file_size,
          fmt):  # fmt: skip
    """Index report files and folders. Adds new files, re-indexes changed ones, drops
    reports whose file is gone. Without PATHS, updates from the folders the index was built
    from (a new index: seeds/, if there is one here). Refuses to leave fewer than half the
    reports unless --force.
    Exit 1 if any file was skipped.

    \b
    reportsearch index reports/2023 reports/2024
    reportsearch index                      update from the same folders
    reportsearch index --rebuild reports/   start over"""
    if paths:
        sources = list(paths)
    else:
        remembered = store.sources()
        if not remembered and not Path(DEFAULT_SOURCE).is_dir():
            # Building from a folder that is not there would only make an empty index.
            raise UsageError(
                f"the index at {store.directory} was built from no folder, and "
                f"there is no {DEFAULT_SOURCE}/ here: give the folder of reports, "
                "e.g. reportsearch index path/to/reports"
            )
        sources = remembered or [DEFAULT_SOURCE]
        if remembered:
            _say(f"updating from {', '.join(sources)}")
    summary = _build(store, sources, rebuild, wait, jobs, force, max_file_size, follow_links)
    _print(render.index_answer(store.directory, summary), fmt)
    if fmt == "text":  # a person reads the problems on stderr; a script, in the summary
        _say_problems(store, summary)
    sys.exit(NOT_FOUND if summary.skipped else FOUND)


def _build(store: IndexStore, paths, rebuild: bool, wait: float = 30.0, jobs=None,
           force: bool = False, max_file_size: int | None = MAX_FILE_SIZE,
           follow_links: bool = False):  # fmt: skip
    # The CLI breaks a lock held by the reading processes of a dead writer (it ends them).
    options = dict(rebuild=rebuild, wait=wait, workers=jobs, force=force,
                   max_file_size=max_file_size, follow_links=follow_links,
                   break_stale_locks=True)  # fmt: skip
    if not sys.stderr.isatty():
        return store.update(paths, **options)
    with click.progressbar(length=1, label="indexing", file=sys.stderr) as bar:

        def progress(done, total, path):
            bar.length = total
            bar.update(1, current_item=Path(path).name)

        return store.update(paths, progress=progress, **options)


def _say_problems(store, summary):
    """What an update did beyond its summary, on stderr: notes (a stale lock broken), then
    a line per report indexed with a change, then a line per file skipped."""
    for note in summary.notes:
        _say(note)
    for warning in summary.warnings:
        _say(f"warning: {warning}")
    for error in summary.skipped:
        _say(f"skipped {error}")


def _ensure_index(store: IndexStore) -> None:
    """The first search on an empty index builds it from seeds/, and says so."""
    if store.exists():
        return
    if not Path(DEFAULT_SOURCE).is_dir():
        return  # opening will raise IndexMissingError with the way out
    _say(f"no index at {store.directory} yet; building it from {DEFAULT_SOURCE}/ (first use)")
    _say_problems(store, _build(store, [DEFAULT_SOURCE], rebuild=False))


# ---- reports ------------------------------------------------------------------------------


@cli.command(short_help="List the reports and what was read from each.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@max_file_size_option
@output_options
@click.pass_obj
@index_dir_option
def reports(store: IndexStore, paths, max_file_size, fmt):
    """List the indexed reports with what was read from each: place, year, format, encoding,
    passages, and the copies that were not indexed again. With PATHS, read those files
    directly, without indexing them, to check what would be read.

    \b
    reportsearch reports
    reportsearch reports --format csv > reports.csv
    reportsearch reports some/new/files/       check files before indexing them"""
    errors = []
    if paths:
        rows = []
        from reportsearch.indexer.pipeline import ingest_paths  # only reports PATHS reads

        for item in ingest_paths(paths, max_file_size):
            if isinstance(item, ReportSearchError):
                errors.append(item)
                _say(f"skipped {item}")
            else:
                rows.append(item.summary())
                for warning in item.warnings:
                    _say(f"warning: {item.file}: {warning}")
    else:
        _ensure_index(store)
        with open_index(store.directory) as opened:
            rows = opened.reports()
    _print(render.reports_answer(rows), fmt)
    if errors:
        sys.exit(NOT_FOUND)


# ---- search -------------------------------------------------------------------------------


@cli.command(cls=QueryCommand, short_help="Find passages that contain a phrase.")
@click.argument("query", required=False, default="")
@filter_options
@click.option("--words", is_flag=True, help="Match jieba words in any order, not exact strings.")
@click.option(
    "--limit",
    type=int,
    default=10,
    show_default=True,
    help="Hits to show (with --kwic: lines); 0 = all.",
)
@click.option(
    "--offset",
    type=int,
    default=0,
    show_default=True,
    help="Hits (with --kwic: lines) to skip first.",
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="relevance (best first, ties by passage id), year (newest first) or city.",
)
@click.option("--group", type=click.Choice(["report"]), default=None,
              help="One row per report (its best passage) with its passage count.")  # fmt: skip
@registry_options("facets", _facets_option)
@click.option("--batch", type=click.File("rb"), default=None,
              help="Answer one query per line of FILE ('-' for stdin).")  # fmt: skip
@click.option("-c", "--count", "count_only", is_flag=True,
              help="Print only the totals: passages, reports and facets.")  # fmt: skip
@click.option("-l", "--files-with-matches", "files_only", is_flag=True,
              help="Print only the files of the reports that match.")  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; only the exit code tells.")
@click.option("-C", "--context", type=click.IntRange(min=0), default=0, metavar="N",
              help="Show N passages before and after each hit.")  # fmt: skip
@click.option(
    "--kwic",
    is_flag=True,
    help="One aligned line per occurrence: left context | match | right context.",
)
@concepts_option
@color_options
@output_options(spreadsheet=True)
@click.pass_obj
@index_dir_option
def search(store: IndexStore, query, words, limit, offset, sort, group, facet_names, batch,
           count_only, files_only, quiet, context, kwic, concepts, color, fmt,
           **kwargs):  # fmt: skip
    """Find passages that contain QUERY exactly, Simplified or Traditional alike.

    \b
    Examples:
      reportsearch search 柔性执法
      reportsearch search '"出庭应诉率" year:2023' --format json
      reportsearch search 行政复议 --province 四川 -c      how many, nothing else
    \b
    QUERY:
      柔性执法 "行政 复议"      strings that must all occur (quotes keep spaces)
      复议 OR 应诉  -试点  NOT x  (a b)     (search -试点 works: a minus is NOT)
      city:盘锦 city:(盘锦 OR 遂宁) province:四川 district:巴南
      year:2021 year:2019..2021 year:[2019 TO 2021]
      section:执法 category:行政执法 metric:出庭应诉率 metric:出庭应诉率>=95
      concept:免罚              any wording of a concept (shipped, or --concepts FILE)
    \b
    Exit codes: 0 found, 1 nothing found, 2 error (as grep).
    """
    filters = _filters(kwargs)
    facets = [name for name in facet_names.split(",") if name.strip()]
    options = dict(filters=filters, words=words, limit=limit, offset=offset, sort=sort,
                   facets=facets, group=group, context=context)  # fmt: skip
    if batch is None and not query.strip() and not filters:
        raise click.UsageError("give a QUERY, a filter option, or --batch FILE")
    mode = (
        "quiet"
        if quiet
        else "count"
        if count_only
        else "files"
        if files_only
        else ("kwic" if kwic else "hits")
    )
    _ensure_index(store)
    with open_index(store.directory, concepts) as opened:
        if batch is not None:
            _search_batch(opened, batch, options, fmt, color, mode)
        found = _answer(
            opened,
            query,
            options,
            fmt,
            color,
            mode,
            hint=fmt == "text" and mode in ("hits", "kwic"),
        )
    sys.exit(FOUND if found else NOT_FOUND)


def _answer(
    opened, query: str, options: dict, fmt: str, color: bool, mode: str, hint: bool = False
) -> bool:
    """Answer one query in ``mode`` (hits, count, files, kwic, quiet); True if it found any.
    ``hint``: when it found nothing, say on stderr what to try."""
    if mode in ("quiet", "count"):
        data = opened.facets(query, options["facets"] if mode == "count" else [],
                             filters=options["filters"], words=options["words"])  # fmt: skip
        if mode == "count":
            _print(render.count_answer(data), fmt)
        found = data["total"] > 0
    elif mode == "files":
        result = opened.search(query, **{**options, "group": "report", "limit": 0, "offset": 0,
                                         "facets": (), "context": 0})  # fmt: skip
        _print(render.files_answer(result), fmt)
        found = bool(result.hits)
    elif mode == "kwic":
        data = opened.concordance(query, filters=options["filters"], words=options["words"],
                                  limit=options["limit"], offset=options["offset"],
                                  sort=options["sort"], per="lines")  # fmt: skip
        _print(render.kwic_answer(data), fmt, color)
        found = data["total"] > 0
    elif options["limit"] == 0 and options["offset"] == 0:  # every hit: printed as made
        result = opened.search(query, **options, lazy=True)
        for part in render.search_parts(result, fmt, color=color, bom=_bom()):
            _echo(part, fmt, color)
        found = result.total > 0
    else:
        result = opened.search(query, **options)
        _print(render.search_answer(result), fmt, color)
        found = result.total > 0
    if not found and hint:
        # Only text output gets hints, and the --words check (which loads a word
        # dictionary) only when a person reads stderr: a script (-c, -l, json, csv,
        # --batch, or text into a pipe) never pays for it.
        for line in opened.hints(query, filters=options["filters"], words=options["words"],
                                 check_words=_a_person_reads(sys.stderr)):  # fmt: skip
            _say(f"hint: {line}")
    return found


def _search_batch(opened, lines, options, fmt, color, mode):
    """One answer per line of ``lines``; with -c, one row per query, zero-hit rows included.
    Hits and counts in a format that streams (text, JSON lines) are printed as each query
    is answered, in the others as one output at the end; the other modes print each query's
    answer whole. Exits: 2 if any query was malformed, else 0 if any found, else 1."""
    found = failed = False
    streams = render.writer_for(fmt).streams
    collected = []
    counted = mode == "count"
    for query, problem in _batch_queries(lines):
        answer = None
        if problem is None:
            try:
                if mode == "count":
                    data = opened.facets(query, options["facets"], filters=options["filters"],
                                         words=options["words"])  # fmt: skip
                    found = found or data["total"] > 0
                    answer = render.count_answer(data, batch=True)
                elif mode == "hits":
                    result = opened.search(query, **options)
                    found = found or result.total > 0
                    answer = render.batch_search_answer(result)
                else:
                    found = _answer(opened, query, options, fmt, color, mode) or found
                    continue
            except ReportSearchError as error:
                _say(f"error: query {query!r}: {error}")
                problem = str(error)
        if answer is None:  # this query's error; the others are still answered
            failed = True
            answer = render.error_answer(query, problem, counted)
            if mode not in ("count", "hits") and not streams:
                continue
        if streams:
            _print(answer, fmt, color)
        else:
            collected.append(answer)
    if mode in ("count", "hits") and not streams:
        columns = render.COUNT_COLUMNS if counted else render.hit_columns(True)
        _print(render.batch_answer(collected, columns), fmt, color)
    sys.exit(ERROR if failed else FOUND if found else NOT_FOUND)


def _batch_queries(lines):
    """``(query, problem)`` per non-blank line of a --batch file: a line that is too long
    or not UTF-8 is (what can be shown of it, what is wrong), said on stderr."""
    for number, (raw, problem) in enumerate(_batch_lines(lines), 1):
        if problem:
            message = f"line {number} {problem}"
            _say(f"error: {message}")
            yield raw.decode("utf-8", "replace"), message
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError as error:
            bad = raw[error.start : error.start + 1]
            message = f"line {number} is not UTF-8 (byte {error.start}: {bad!r})"
            _say(f"error: {message}")
            yield raw.decode("utf-8", "backslashreplace").strip(), message
            continue
        if text:
            yield text, None


# A --batch line is read at most this long (the longest query, 4 bytes a character, and a
# BOM): a file with no line ends (/dev/zero) must not be read into memory whole.
MAX_BATCH_LINE = 4 * MAX_QUERY_CHARACTERS + 8
MAX_BATCH_SKIP = 16 * 1048576  # how far past that to look for the line's end


def _batch_lines(file):
    """``(line, problem)`` per line of a --batch file, in bounded reads: an over-long line
    is (its start, what is wrong) and the next line is read after it; a line that does not
    end within MAX_BATCH_SKIP ends the batch with that problem."""
    while raw := file.readline(MAX_BATCH_LINE + 1):
        if len(raw) <= MAX_BATCH_LINE or raw.endswith(b"\n"):
            yield raw, None
            continue
        start, skipped = raw[:40] + b"...", len(raw)
        while not raw.endswith(b"\n"):
            raw = file.readline(1 << 16)
            skipped += len(raw)
            if not raw:
                break
            if skipped > MAX_BATCH_SKIP:
                yield start, (f"has no line end in its first {skipped} bytes; the rest of "
                              "the batch file is not read")  # fmt: skip
                return
        yield start, (f"is longer than {MAX_BATCH_LINE} bytes (a query is at most "
                      f"{MAX_QUERY_CHARACTERS} characters)")  # fmt: skip


# ---- facets -------------------------------------------------------------------------------


@cli.command(
    cls=QueryCommand, short_help="Count matching passages and reports by year, place and more."
)
@click.argument("query", required=False, default="")
@registry_options("by", _by_facet_option)
@filter_options
@click.option("--words", is_flag=True, help="Match jieba words in any order, not exact strings.")
@concepts_option
@output_options
@click.pass_obj
@index_dir_option
def facets(store: IndexStore, query, by, words, concepts, fmt, **kwargs):
    """Count the passages and reports that match QUERY (default: all) by year, city,
    province, district, category or metric.

    \b
    reportsearch facets 法治政府建设 --by year
    reportsearch facets 行政复议 --by city --province 四川 --format csv
    reportsearch facets --by year                 every report, by year
    reportsearch facets concept:免罚 --by year     any wording of a concept"""
    filters = _filters(kwargs)
    names = [n.strip() for item in (by or fields.facet_names()) for n in item.split(",")
             if n.strip()]  # fmt: skip
    _ensure_index(store)
    with open_index(store.directory, concepts) as opened:
        data = opened.facets(query, names, filters=filters, words=words)
    _print(render.facets_answer(data), fmt)
    sys.exit(FOUND if data["total"] else NOT_FOUND)


# ---- metrics ------------------------------------------------------------------------------


@cli.command(short_help="Figures the reports state, side by side.")
@click.argument("name", required=False)
@filter_options
@click.option("--min", "minimum", type=float, default=None, help="Only values >= this.")
@click.option("--max", "maximum", type=float, default=None, help="Only values <= this.")
@click.option("--all", "all_facts", is_flag=True, help="Export every extracted fact.")
@click.option("--pivot", type=click.Choice(["city,year", "province,year", "district,year"]),
              default=None, help="One row per place, one column per year.")  # fmt: skip
@output_options(spreadsheet=True)
@click.pass_obj
@index_dir_option
def metrics(store: IndexStore, name, minimum, maximum, all_facts, pivot, fmt, **kwargs):
    """Figures the reports state (出庭应诉率 100%, 法律援助案件 2001件 ...), side by side.

    \b
    reportsearch metrics                    the known indicators, by how many reports state them
    reportsearch metrics 出庭应诉率          one row per fact (canonical name or any wording)
    reportsearch metrics 调解成功率 --province 四川 --min 95 --format csv
    reportsearch metrics --all --format csv  every fact in the index, for pandas or Excel
    reportsearch metrics 出庭应诉率 --pivot city,year --format xlsx > rates.xlsx
    """
    filters = _filters(kwargs)
    _ensure_index(store)
    with open_index(store.directory) as opened:
        if name is None and not all_facts:
            rows = opened.indicators()
            _print(render.indicators_answer(rows), fmt)
            sys.exit(FOUND if rows else NOT_FOUND)
        data = opened.metrics(name, filters=filters, minimum=minimum, maximum=maximum)
    answer = render.metrics_answer(name, data, by_place=pivot)
    _print(answer, fmt)
    sys.exit(FOUND if answer.rows else NOT_FOUND)


# ---- trend --------------------------------------------------------------------------------


@cli.command(cls=QueryCommand, short_help="How many reports mention a query, by year and place.")
@click.argument("query", required=False, default="")
@click.option("--by", default="year", show_default=True,
              type=click.Choice(["year", "year,province", "year,city"]),
              help="The cells to count in.")  # fmt: skip
@click.option(
    "--first",
    is_flag=True,
    help="The first year each place (city, or province) mentions the query.",
)
@filter_options
@click.option("--words", is_flag=True, help="Match jieba words in any order, not exact strings.")
@concepts_option
@output_options(spreadsheet=True)
@click.pass_obj
@index_dir_option
def trend(store: IndexStore, query, by, first, words, concepts, fmt, **kwargs):
    """How many reports mention QUERY in each year (and province or city), beside all the
    reports of that cell and the share; with --first, when each place first mentions it.
    CSV, JSON and xlsx rows load straight into pandas or Excel.

    \b
    reportsearch trend 柔性执法                        reports per year, and the share
    reportsearch trend 柔性执法 --by year,province --format csv > trend.csv
    reportsearch trend 柔性执法 --first                 first year per city
    reportsearch trend concept:免罚 --by year,province  any wording of a concept
    """
    filters = _filters(kwargs)
    if not query.strip() and not filters:
        raise click.UsageError("give a QUERY or a filter option")
    _ensure_index(store)
    with open_index(store.directory, concepts) as opened:
        data = opened.trend(query, by.split(","), filters=filters, words=words, first=first)
    _print(render.trend_answer(data), fmt)
    sys.exit(FOUND if any(row.get("reports") for row in data["rows"]) else NOT_FOUND)


# ---- panel --------------------------------------------------------------------------------


@cli.command(short_help="Count terms and concepts per report, or per place and year.")
@click.option("--terms", "terms_file", default=None, metavar="FILE",
              help="What to count, a line each: a term, NAME<TAB>term|term|… (a concept), or "
                   "concept:NAME. '-' reads standard input.")  # fmt: skip
@click.option("--by", default="report", show_default=True,
              type=click.Choice(["report", "city,year", "province,year", "year"]),
              help="One row per report and concept, or per cell and concept.")  # fmt: skip
@concepts_option
@filter_options
@output_options(spreadsheet=True, parquet=True)
@click.pass_obj
@index_dir_option
def panel(store: IndexStore, terms_file, by, concepts, fmt, **kwargs):
    """Count terms and concepts in every report, for a regression: one row per report and
    concept (every report, count 0 included: a balanced panel), or per city and year,
    province and year, or year. Each row has count (non-overlapping occurrences, as Python's
    str.count over the search form; a concept counts each place any of its terms occurs
    once, so 复议 inside 行政复议 is one), reports (that hold it), all_reports, chars (the
    indexed characters), per_10k (count / chars x 10,000) and the report's place, year,
    issuer, level and kind. Without --terms, counts every concept of --concepts FILE.
    Exit 1 when nothing counted occurs.

    \b
    Examples:
      printf '复议\\n免罚\\t首违不罚|免罚清单\\nconcept:柔性执法\\n' > terms.txt
      reportsearch panel --terms terms.txt --format csv > panel.csv
      reportsearch panel --terms terms.txt --by city,year --format parquet > panel.parquet
      reportsearch panel --concepts my-concepts.tsv --province 四川 --format xlsx > p.xlsx
    \b
    In pandas: pd.read_csv("panel.csv", dtype={"report": str, "year": "Int64"})
    """
    from reportsearch.query.concepts import load_concepts, parse_concepts, read_text
    from reportsearch.query.panel import parse_terms

    filters = _filters(kwargs)
    known = load_concepts(concepts)  # a bad concepts file is its error before any index work
    if terms_file is None and concepts is None:
        raise UsageError("give --terms FILE (or --concepts FILE to count its concepts)")
    if terms_file is None:
        entries = parse_concepts(read_text(concepts, "concepts file"), concepts)
    else:
        origin = "standard input" if terms_file == "-" else terms_file
        entries = parse_terms(read_text(terms_file, "terms file"), known, origin)
    _ensure_index(store)
    with open_index(store.directory, known) as opened:
        data = opened.panel(entries, by=by, filters=filters)
    for part in render.rows_parts(render.panel_answer(data), fmt, bom=_bom()):
        _echo(part, fmt)  # millions of rows: written in parts, never one string
    sys.exit(FOUND if any(row["count"] for row in data["rows"]) else NOT_FOUND)


# ---- reuse, diff, collocates --------------------------------------------------------------


@cli.command(short_help="Write every passage for another tool (passim).")
@click.option("--format", "fmt", type=click.Choice(["passim"]), default="passim",
              show_default=True, help="passim: JSON lines of id, series, date, text.")  # fmt: skip
@click.pass_obj
@index_dir_option
def export(store: IndexStore, fmt):
    """Every passage of the index as JSON lines in the layout passim reads: id (the passage
    id), series (its report's city, else province), date (the year it is about, as
    YYYY-01-01; empty when unknown) and text (the search form). For text reuse over a
    corpus beyond one machine: run passim on a Spark cluster over this file.

    \b
    Examples:
      reportsearch export --format passim > passages.jsonl
      passim passages.jsonl reuse-out        # on a machine with Spark and passim"""
    _ensure_index(store)
    with open_index(store.directory) as opened:
        for record in opened.passim_records():
            click.echo(render.to_json_line(record))


@cli.command(short_help="Passages reports share: who copied whom.")
@click.argument("report", required=False)
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=0.7, show_default=True,
              help="Least similarity of two passages that are one reused.")  # fmt: skip
@click.option("--formula-share", type=click.FloatRange(0.0, 1.0), default=0.05,
              show_default=True, help="Share of reports above which a phrase is a common "
              "formula, not reuse.")  # fmt: skip
@output_options
@click.pass_obj
@index_dir_option
def reuse(store: IndexStore, report, threshold, formula_share, fmt):
    """Passages shared between reports, exactly or nearly (a place name swapped, a few
    characters edited), grouped into families, each with its likely source: the earliest
    report by year, then publication date. Phrases most reports share (quoted from central
    documents) are listed apart as common formulas. With REPORT, where each of its passages
    appears elsewhere, earlier or later, and the share of the report reused. Exit 1 when
    nothing is shared.

    \b
    Examples:
      reportsearch reuse --format json > families.json
      reportsearch reuse --format csv > families.csv      one row a passage of a family
      reportsearch reuse 2021/panjin                      one report's passages"""
    _ensure_index(store)
    with open_index(store.directory) as opened:
        data = opened.reuse(report, threshold=threshold, formula_share=formula_share)
    _print(render.reuse_answer(data), fmt)
    shared = data["families"] if "families" in data else data["share"]
    sys.exit(FOUND if shared else NOT_FOUND)


@cli.command(short_help="What changed between two reports.")
@click.argument("reports", nargs=-1)
@click.option("--place", default=None, metavar="PLACE",
              help="With --years: the place's reports of two years (盘锦).")  # fmt: skip
@click.option("--years", default=None, metavar="A,B", help="Two years, e.g. 2020,2021.")
@output_options
@click.pass_obj
@index_dir_option
def diff(store: IndexStore, reports, place, years, fmt):  # fmt: skip
    """Compare report B with report A passage by passage: passages added, removed and
    changed (the changed characters marked [-deleted-]{+inserted+}), and how much is
    unchanged. With one report, compares it with the same place's report of the year
    before. Exit 1 when the two are the same.

    \b
    Examples:
      reportsearch diff 2020/panjin 2021/panjin
      reportsearch diff 2021/panjin                  against the year before
      reportsearch diff --place 盘锦 --years 2020,2021 --format json"""
    from reportsearch.query.diff import place_reports

    _ensure_index(store)
    with open_index(store.directory) as opened:
        if place or years:
            if reports or not (place and years):
                raise UsageError("give two reports, or --place PLACE --years A,B")
            pair = _two_years(years)
            found = [place_reports(opened, place, year) for year in pair]
            for year, ids in zip(pair, found, strict=True):
                if not ids:
                    raise ReportNotFoundError(f"no report of {place} for {year}")
            reports = (found[0][0], found[1][0])
        elif len(reports) == 1:
            reports = (None, reports[0])  # against the year before
        elif len(reports) != 2:
            raise UsageError("give two reports (A B), one (against the year before), or "
                             "--place PLACE --years A,B")  # fmt: skip
        data = opened.diff(*reports)
    _print(render.diff_answer(data), fmt)
    same = not (data["changed"] or data["added"] or data["removed"])
    sys.exit(NOT_FOUND if same else FOUND)


def _two_years(text: str) -> tuple[int, int]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(re.fullmatch(r"(19|20)\d\d", part) for part in parts):
        raise UsageError(f"--years takes two years, e.g. 2020,2021, not {text!r}")
    return int(parts[0]), int(parts[1])


@cli.command(short_help="The words that keep company with a phrase.")
@click.argument("query")
@filter_options
@click.option("--window", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Words on each side of an occurrence.")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Rows to print (0: every word).")  # fmt: skip
@click.option("--words", is_flag=True, help="Match jieba words in any order, not exact strings.")
@concepts_option
@output_options
@click.pass_obj
@index_dir_option
def collocates(store: IndexStore, query, window, limit, words, concepts, fmt, **kwargs):
    """The jieba words within --window words of QUERY's occurrences, over any filter,
    ranked by log-likelihood (Dunning's G2, against the words of the whole index), with
    mutual information and counts left and right, as AntConc's collocates. Exit 1 when
    QUERY occurs nowhere.

    \b
    Examples:
      reportsearch collocates 柔性执法
      reportsearch collocates 柔性执法 --window 3 --province 四川 --format csv > c.csv
      reportsearch collocates concept:免罚 --year 2021..2023 --format json"""
    _ensure_index(store)
    with open_index(store.directory, concepts) as opened:
        data = opened.collocates(query, window=window, filters=_filters(kwargs), words=words,
                                 limit=limit)  # fmt: skip
    _print(render.collocates_answer(data), fmt)
    sys.exit(FOUND if data["occurrences"] else NOT_FOUND)


# ---- show ---------------------------------------------------------------------------------


@cli.command(short_help="Read a report, with a query's matches marked.")
@click.argument("target", metavar="REPORT[#PASSAGE]")
@click.argument("query", required=False, default="")
@click.option("--words", is_flag=True, help="Highlight QUERY's jieba words, not exact strings.")
@concepts_option
@color_options
@output_options
@click.pass_obj
@index_dir_option
def show(store: IndexStore, target, query, words, concepts, color, fmt):
    """Read a report, or one passage of it (REPORT#0012, as hits name them), in its own
    characters: its metadata and where each field was read, its outline, and QUERY's
    matches marked. The web page's reader shows the same. Exit 1 when QUERY is given and
    does not occur.

    \b
    reportsearch show 001_1c9c93ea932af3e0 柔性执法
    reportsearch show '001_1c9c93ea932af3e0#0037'
    reportsearch show 001_1c9c93ea932af3e0 --format json"""
    report_id, _, position = target.partition("#")
    _ensure_index(store)
    with open_index(store.directory, concepts) as opened:
        data = opened.report(report_id, query, words=words)
    if position:
        # the id as resolved (033 for 33), the position with or without its leading zeros
        wanted = position.lstrip("0")
        data["passages"] = [p for p in data["passages"]
                            if p["passage"].rsplit("#", 1)[1].lstrip("0") == wanted]  # fmt: skip
        if not data["passages"]:
            raise ReportNotFoundError(
                f"report {data['report']['report']} has no passage #{position}"
            )
        data["matches"] = data["passages"][0]["matches"]
    _print(render.report_answer(data, outline=not position), fmt, color)
    if query.strip() and fmt == "text":  # the count for a person, on stderr
        plural = "match" if data["matches"] == 1 else "matches"
        click.echo(f"\n{data['matches']} {plural} of {query}", err=True)
    sys.exit(NOT_FOUND if query.strip() and not data["matches"] else FOUND)


# ---- serve --------------------------------------------------------------------------------


@cli.command(short_help="Open the search page in a browser, on this machine.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep it unless others must reach the page.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.pass_obj
@index_dir_option
def serve(store: IndexStore, host, port, open_browser):
    """Serve the search page on this machine, at http://localhost:8000/ unless told
    otherwise. It only reads the index, needs no network, and shows an updated index at the
    next page. Stop it with Ctrl-C.

    \b
    reportsearch serve --open                  and open it in the browser
    reportsearch serve --port 8080 --index-dir /data/reports-index"""
    import threading
    import webbrowser

    from reportsearch.web import server
    from reportsearch.web.app import LOOPBACK_HOSTS, create_app

    _ensure_index(store)
    with open_index(store.directory):
        pass  # a missing or outdated index is refused here, in one line, before listening
    # Bound before anything is announced: a busy port is the one line of a ListenError.
    sockets = server.bind(host, port)
    port = sockets[0].getsockname()[1]
    loopback = host in LOOPBACK_HOSTS
    app = create_app(store.directory, allowed_hosts=LOOPBACK_HOSTS if loopback else ("*",))
    shown = "localhost" if loopback else host
    url = f"http://{shown}:{port}/"
    _say(f"serving {store.directory} at {url} (Ctrl-C to stop)")
    if not loopback:
        _say(
            f"listening beyond this machine; anyone who can reach {host}:{port} can read the index"
        )
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    try:
        server.run(server.build(app), sockets)
    finally:
        for sock in sockets:
            sock.close()


# ---- output helpers -----------------------------------------------------------------------


def _say(message: str) -> None:
    """One line for a person on stderr; file names and report text in it are made safe
    for a terminal, line feeds included (a file name may hold one)."""
    click.echo("reportsearch: " + render.terminal_safe(message, one_line=True), err=True)


def _print(answer, fmt: str, color: bool = False) -> None:
    """``answer`` on stdout in format ``fmt``, by its writer in ``render.WRITERS``: the one
    way every command prints records. ``--bom`` reaches it through the click context."""
    _echo(render.writer_for(fmt).write(answer, color=color, bom=_bom()), fmt, color)


def _a_person_reads(stream) -> bool:
    """Whether ``stream`` is a terminal (REPORTSEARCH_HINTS=1 says so too, for tests)."""
    return os.environ.get("REPORTSEARCH_HINTS") == "1" or stream.isatty()


def _bom() -> bool:
    """Whether ``--bom`` was given (it reaches the writers through the click context)."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get("reportsearch.bom"))


def _echo(written: str | bytes, fmt: str, color: bool = False) -> None:
    """What a writer of format ``fmt`` wrote, on stdout."""
    writer = render.writer_for(fmt)
    if writer.binary:
        sys.stdout.flush()
        stdout = sys.stdout.buffer
        if stdout.isatty():
            raise UsageError(f"{fmt} is a binary file: send it to a file, e.g. > out.{fmt}")
        stdout.write(written)
        stdout.flush()
    else:
        # click strips ANSI codes from what is not a terminal unless told the output is
        # styled: only the text writer's colour is asked for; the rest is as it always was.
        click.echo(written, nl=False, color=color if writer.styled else None)


def main():
    """The ``reportsearch`` command. A Ctrl-C that no command caught (between click's
    handlers, or while the process ends) is still one line and 130."""
    try:
        cli(prog_name="reportsearch")
    except KeyboardInterrupt:
        _interrupted_while_starting()


if __name__ == "__main__":
    main()
