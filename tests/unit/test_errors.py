"""errors: every error and record that crosses from a reading process to the writer
survives pickling (a worker's error that cannot be unpickled kills the whole pool)."""

from __future__ import annotations

import inspect
import pickle

from helpers import SEED_FILES, SEEDS
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer import errors
from reportsearch.indexer.documents import prepare_report
from reportsearch.indexer.pipeline import ingest_file

ERROR_CLASSES = sorted(
    (value for value in vars(errors).values()
     if inspect.isclass(value) and issubclass(value, BaseException)),
    key=lambda cls: cls.__name__,
)  # fmt: skip


def _arguments(cls, text: str, flag: bool) -> list:
    if "__init__" not in {name for klass in cls.__mro__[:-3] for name in vars(klass)}:
        return [text]  # the plain Exception signature: a message
    parameters = list(inspect.signature(cls).parameters.values())
    return [flag if p.name == "committed" else text for p in parameters]


def test_every_error_class_is_covered():
    names = {cls.__name__ for cls in ERROR_CLASSES}
    assert {"ReadError", "ReadWarning", "SidecarError", "UpdateInterrupted"} <= names
    assert len(names) >= 15


@given(st.sampled_from(ERROR_CLASSES), st.text(max_size=40), st.booleans())
def test_every_error_round_trips_through_pickle(cls, text, flag):
    error = cls(*_arguments(cls, text, flag))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


@given(st.binary(max_size=60).map(lambda raw: raw.decode("utf-8", "surrogateescape")))
def test_read_errors_with_any_file_name_round_trip(name):
    error = errors.ReadError(name, "bad")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == (error.path, error.reason, str(error))


def test_what_a_reading_process_returns_round_trips(tmp_path):
    path = SEEDS / f"{SEED_FILES['盘锦']}.txt"
    result = prepare_report(path, "x")
    report_id, documents, rows = pickle.loads(pickle.dumps(result))
    assert report_id == "x" and documents == result[1]
    assert [vars(row) for row in rows] == [vars(row) for row in result[2]]
    assert len(rows) == len(ingest_file(path).passages)
    (tmp_path / "empty.txt").write_bytes(b"")
    failure = prepare_report(tmp_path / "empty.txt", "empty")
    assert isinstance(failure, errors.ReadError)
    assert str(pickle.loads(pickle.dumps(failure))) == str(failure)
