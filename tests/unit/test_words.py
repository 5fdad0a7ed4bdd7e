"""words: a search form's jieba words, the same from rjieba (jieba-rs) and jieba, HMM off.

The index is cut by one backend and a query may be cut by the other (another machine, rjieba
missing, REPORTSEARCH_WORDS_BACKEND): they must give the same words on everything the index
reads, or ``--words`` would miss."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer import words
from reportsearch.indexer.errors import ConfigurationError, ReportSearchError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.indexer.pipeline import ingest_file
from reportsearch.indexer.schema import word_tokens as schema_word_tokens

from bench import corpus


@pytest.fixture(autouse=True)
def no_forced_backend(monkeypatch):
    """Each test starts from the default backend, whatever the environment says."""
    monkeypatch.delenv(words.ENVIRONMENT, raising=False)


@pytest.fixture
def fresh_backends():
    """Backends loaded anew in the test, and again after it (a test may break one)."""
    words._load.cache_clear()
    words._default.cache_clear()
    yield
    words._load.cache_clear()
    words._default.cache_clear()


def differences(texts) -> list[tuple[str, list[str], list[str]]]:
    """The texts the two backends cut differently, with both cuts."""
    found = []
    for text in texts:
        reference, fast = words.word_tokens(text, "jieba"), words.word_tokens(text, "rjieba")
        if reference != fast:
            found.append((text, reference, fast))
    return found


def test_the_seeds_passages_are_cut_the_same(seed_reports):
    texts = [passage.text for report in seed_reports.values() for passage in report.passages]
    assert len(texts) >= 150  # five reports
    assert differences(texts) == []


@pytest.fixture(scope="module")
def corpus_passages(tmp_path_factory) -> list[str]:
    """Every passage of 60 reports of the benchmark corpus (GBK, Traditional and UTF-8)."""
    folder = tmp_path_factory.mktemp("words-corpus")
    corpus.generate(folder, 60, seed=7, seeds=SEEDS)
    paths = sorted(folder.iterdir())
    assert len(paths) == 60
    return [p.text for path in paths for p in ingest_file(path, path.stem).passages]


def test_the_benchmark_corpus_is_cut_the_same(corpus_passages):
    assert len(corpus_passages) > 1000
    assert differences(corpus_passages) == []


# Text like a search form's, with more odd corners: CJK from the whole URO block and from
# Extension B (beyond the BMP), dictionary words run together, ASCII, full-width and CJK
# punctuation, and every kind of white space.
DICTIONARY_WORDS = [
    "行政机关", "负责人", "出庭", "应诉", "法治政府", "建设", "依法行政", "柔性执法",
    "行政复议", "规范性文件", "合法性审查", "中华人民共和国", "的", "了", "和", "年",
]  # fmt: skip
SEARCH_FORM_CHARACTERS = list("abcxyz0123456789.,;:!?-_/()%+*#@&'\"[]~ \n") + list(
    "、。《》“”‘’【】…—·①ⅷ²"
)
cjk_heavy = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.sampled_from(DICTIONARY_WORDS),
        st.sampled_from(SEARCH_FORM_CHARACTERS + ["\t", "\r", "\u3000", "\xa0", "\u2028"]),
    ),
    max_size=50,
).map("".join)


@pytest.mark.property
@settings(max_examples=500)
@given(cjk_heavy)
def test_any_cjk_heavy_text_is_cut_the_same(text):
    assert differences([text]) == []
    assert differences([normalize_for_search(text)]) == []


@pytest.mark.property
@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_text_is_cut_the_same(text):
    """Any text hypothesis draws (every plane, control characters, combining marks); it
    draws no lone surrogate, which rjieba refuses (it encodes to UTF-8) and jieba keeps:
    search forms never hold one (test_search_forms_hold_no_lone_surrogate)."""
    assert differences([text]) == []


def test_letters_and_digits_are_what_isalnum_says():
    """The filter's pattern accepts exactly the characters ``str.isalnum`` does."""
    differ = [
        c for c in map(chr, range(sys.maxunicode + 1)) if c.isalnum() != bool(words._ALNUM.match(c))
    ]
    assert differ == []


@pytest.mark.property
@given(cjk_heavy)
def test_words_are_the_cut_less_tokens_without_letter_or_digit(text):
    kept = [w for w in words._load("jieba")(text) if any(c.isalnum() for c in w)]
    assert words.word_tokens(text, "jieba") == kept


def test_search_forms_hold_no_lone_surrogate():
    """A file name or argument that is not UTF-8 decodes to lone surrogates; the search
    form drops them, so rjieba, which cannot encode them, never meets one."""
    form = normalize_for_search("行政\udcff复议\ud800")
    assert form == "行政复议"
    assert words.word_tokens(form, "rjieba") == words.word_tokens(form, "jieba") == ["行政复议"]


def test_words_drop_white_space_and_punctuation_and_schema_re_exports_them():
    for backend in (None, "jieba", "rjieba"):
        tokens = words.word_tokens("推进法治政府建设, 全面 依法行政。2023年 abc", backend)
        assert tokens == ["推进", "法治", "政府", "建设", "全面", "依法行政", "2023", "年", "abc"]
    assert schema_word_tokens is words.word_tokens


def test_the_hmm_is_off():
    """With jieba's HMM for unknown words on, an out-of-dictionary run of characters is
    joined (鑫淼焱 + 垚), and the backends disagree on runs of digits and punctuation
    (jieba: 2024 / 02 / 07, rjieba: 2024-02-07). Off, both cut as the dictionary says."""
    for backend in ("jieba", "rjieba"):
        assert words.word_tokens("鑫淼焱垚", backend) == list("鑫淼焱垚")
        assert words.word_tokens("成文日期:2024-02-07", backend) == [
            "成文", "日期", "2024", "02", "07",
        ]  # fmt: skip


def test_the_default_is_rjieba_and_the_environment_forces_a_backend(monkeypatch):
    assert words.backend_name() == "rjieba"
    monkeypatch.setenv(words.ENVIRONMENT, "jieba")
    assert words.backend_name() == "jieba"  # read at each call, not at import
    assert words.backend_name("rjieba") == "rjieba"  # an argument overrides it
    monkeypatch.setenv(words.ENVIRONMENT, "rjieba")
    assert words.backend_name() == "rjieba"
    monkeypatch.setenv(words.ENVIRONMENT, "")
    assert words.backend_name() == "rjieba"


def test_the_environment_forces_which_backend_cuts(monkeypatch, fresh_backends):
    used = []
    for name, load in list(words.BACKENDS.items()):
        monkeypatch.setitem(
            words.BACKENDS, name, lambda name=name, load=load: used.append(name) or load()
        )
    monkeypatch.setenv(words.ENVIRONMENT, "jieba")
    assert words.word_tokens("依法行政") == ["依法行政"]
    assert used == ["jieba"]


@pytest.mark.parametrize("how", ["environment", "argument"])
def test_an_unknown_backend_is_a_configuration_error(monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv(words.ENVIRONMENT, "hanlp")
        call = lambda: words.word_tokens("依法行政")  # noqa: E731
    else:
        call = lambda: words.word_tokens("依法行政", "hanlp")  # noqa: E731
    with pytest.raises(ConfigurationError) as raised:
        call()
    assert isinstance(raised.value, ReportSearchError)
    message = str(raised.value)
    assert "'hanlp'" in message and words.ENVIRONMENT in message and "rjieba, jieba" in message
    assert "\n" not in message


def test_without_rjieba_the_default_falls_back_to_jieba(monkeypatch, fresh_backends):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # `import rjieba` raises ImportError
    assert words.backend_name() == "jieba"
    assert words.word_tokens("推进法治政府建设") == ["推进", "法治", "政府", "建设"]
    # forcing the missing one is an error that names it, not an ImportError
    with pytest.raises(ConfigurationError, match="'rjieba' cannot be loaded"):
        words.word_tokens("推进法治政府建设", "rjieba")


def test_importing_words_loads_no_backend(tmp_path):
    code = (
        "import sys\n"
        "from reportsearch.indexer import words, schema\n"
        "print(sorted(m for m in sys.modules if 'jieba' in m))\n"
        "words.word_tokens('依法行政')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jieba', 'rjieba')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "['rjieba', 'rjieba.rjieba']"]
