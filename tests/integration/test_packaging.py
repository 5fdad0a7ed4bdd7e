"""packaging: the project installs under the one name ``reportsearch``; nothing generic
(``cli``, ``web``, ``query``, ``indexer``) lands at the top of site-packages, and the import
the README shows works from anywhere."""

from __future__ import annotations

import subprocess
import sys

import pytest


def python(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", ["cli", "web", "query", "indexer"])
def test_no_generic_module_is_installed(tmp_path, name):
    result = python(f"import {name}", cwd=tmp_path)  # not the repository: only what is installed
    assert result.returncode == 1 and f"No module named '{name}'" in result.stderr


def test_the_readme_import_works_from_anywhere(tmp_path):
    result = python(
        "from reportsearch import open_index, IndexStore, IndexWriter\n"
        "import reportsearch.cli, reportsearch.web.app\n"
        "print(open_index.__module__, IndexStore.__module__)",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["reportsearch.query.api", "reportsearch.indexer.store"]


def test_importing_the_package_loads_nothing_heavy(tmp_path):
    result = python(
        "import sys, reportsearch\n"
        "print(sorted(m for m in sys.modules if m.startswith(('reportsearch.', "
        "'whoosh', 'numpy', 'jieba', 'rjieba'))))",
        cwd=tmp_path,
    )
    assert result.returncode == 0 and result.stdout.strip() == "[]"


def test_a_search_imports_no_reading_pipeline(tmp_path, seed_index_dir):
    """A fresh search process pays for what a search uses: no writer, no reading pipeline,
    no file-format readers, no chardet, no jieba or rjieba (issue 20, step one)."""
    code = (
        "import sys\n"
        "from reportsearch.cli import main\n"
        f"sys.argv = ['reportsearch', '--index-dir', {str(seed_index_dir)!r}, "
        "'search', '柔性执法', '-c']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('reportsearch.indexer.pipeline', 'reportsearch.indexer.reading',\n"
        "         'reportsearch.indexer.writer', 'reportsearch.indexer.formats', 'chardet',\n"
        "         'pypdf', 'trafilatura', 'jieba', 'rjieba', 'reportsearch.indexer.metadata')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    result = python(code, cwd=tmp_path)
    assert result.returncode == 0 and "2 reports" in result.stdout, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"
