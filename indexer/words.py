"""Words: a search form -> its jieba words.

Input: a search form (``normalizing.normalize_for_search``: NFKC, lower case, Simplified)
and optionally a backend's name. Output: its words, in order, without the tokens that hold
no letter or digit (white space, punctuation). The same function cuts passages at index time
and ``--words`` queries at query time, so both sides always agree.

Backends, in the style of bm25s's ``backend=``: ``"rjieba"`` (jieba-rs, the default when it
can be imported) and ``"jieba"`` (the reference, and the fallback). Both cut with jieba's
dictionary and its HMM for unknown words off: only then do they give identical words (with
it on they differ, e.g. on runs like ``2024-02-07``). The tests check it on every passage
of the seeds and of a benchmark corpus, on CJK-heavy text and on any text but one kind: a
lone surrogate (what bytes that are not UTF-8 decode to), which rjieba refuses and jieba
keeps, and which a search form never holds (normalizing drops it). rjieba cuts about 20 times
faster and loads its dictionary in a seventh of jieba's time.

The environment variable ``REPORTSEARCH_WORDS_BACKEND`` forces a backend; it is read at each
call, and a name that is not a backend, or one that cannot be imported, raises
``ConfigurationError``.

Importing this module loads neither backend: a search without ``--words`` never pays for a
dictionary. A backend loads on its first use, once per process.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, partial

from .errors import ConfigurationError

ENVIRONMENT = "REPORTSEARCH_WORDS_BACKEND"
# A letter or digit: exactly the characters ``str.isalnum`` accepts (\w less "_").
_ALNUM = re.compile(r"[^\W_]")


def _rjieba() -> Callable[[str], Iterable[str]]:
    import rjieba  # builds its dictionary on import

    return partial(rjieba.cut, hmm=False)


def _jieba() -> Callable[[str], Iterable[str]]:
    import jieba

    # jieba announces its dictionary loading on stderr; that is noise for our users.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return partial(jieba.cut, HMM=False)


# name -> a loader returning its cut function; the first is the default, the last the fallback
BACKENDS: dict[str, Callable[[], Callable[[str], Iterable[str]]]] = {
    "rjieba": _rjieba,
    "jieba": _jieba,
}


@cache
def _load(name: str) -> Callable[[str], Iterable[str]]:
    """Backend ``name``'s cut function, loaded once per process (ImportError if it can't)."""
    return BACKENDS[name]()


@lru_cache(maxsize=1)
def _default() -> str:
    """The first backend that loads."""
    *preferred, fallback = BACKENDS
    for name in preferred:
        try:
            _load(name)
        except ImportError:
            continue
        return name
    return fallback


def backend_name(backend: str | None = None) -> str:
    """The backend ``word_tokens(text, backend)`` uses: ``backend``, else the environment's,
    else the default. ``ConfigurationError`` if it is not a backend."""
    name = backend or os.environ.get(ENVIRONMENT) or _default()
    if name not in BACKENDS:
        raise ConfigurationError(
            f"unknown words backend {name!r} (from the argument or {ENVIRONMENT}): "
            f"use one of {', '.join(BACKENDS)}"
        )
    return name


def word_tokens(text: str, backend: str | None = None) -> list[str]:
    """The jieba words of a search form, without white space and punctuation."""
    name = backend_name(backend)
    try:
        cut = _load(name)
    except ImportError as error:
        raise ConfigurationError(f"the words backend {name!r} cannot be loaded: {error}") from None
    # A word with any letter or digit stays ("3.5", "c++"); white space and punctuation
    # go. isalnum() settles most words at once: 4 times faster than testing each character.
    return [word for word in cut(text) if word.isalnum() or _ALNUM.search(word)]
