"""Notebooks are the source: the committed modules must be what nbdev-export makes of them,
and the committed notebooks must already be clean (as nbdev's CI checks)."""
import shutil, subprocess, sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent


def _copy_project(dst):
    for name in ('nbs', 'govmodels', 'pyproject.toml'):
        src = ROOT/name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst/name)
    shutil.rmtree(dst/'govmodels'/'__pycache__', ignore_errors=True)


def _snapshot(folder, pattern):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob(pattern)}


def _changed_by(tool, tmp_path, pattern):
    "Files matching `pattern` that `tool` changes when run in a copy of the project."
    _copy_project(tmp_path)
    before = _snapshot(tmp_path, pattern)
    r = subprocess.run([str(BIN/tool)], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    after = _snapshot(tmp_path, pattern)
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def test_modules_match_notebooks(tmp_path):
    changed = _changed_by('nbdev-export', tmp_path, 'govmodels/*.py')
    assert not changed, f'edit the notebooks and run `make export`: nbdev-export changes {changed}'


def test_notebooks_are_clean(tmp_path):
    changed = _changed_by('nbdev-clean', tmp_path, 'nbs/*.ipynb')
    assert not changed, f'run `make export` (nbdev-clean): it changes {changed}'
