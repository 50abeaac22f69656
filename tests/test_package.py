"""Packaging, README and command line."""
import os, subprocess, sys
from pathlib import Path

import pytest

from govmodels.data import load
from conftest import ROOT

BIN = Path(sys.executable).parent


def test_readme_is_generated_from_index_notebook():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'readme.py'), str(ROOT/'nbs'/'index.ipynb'), str(ROOT/'README.md'), '--check'],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_wheel_ships_the_data_and_loads_outside_the_checkout(tmp_path):
    "Build a wheel, unpack it away from the checkout and load the bundled data from it."
    pytest.importorskip('build')
    dist, site, work = tmp_path/'dist', tmp_path/'site', tmp_path/'work'
    work.mkdir()
    r = subprocess.run([sys.executable, '-m', 'build', '--wheel', '--no-isolation', '--outdir', str(dist), str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    wheel, = dist.glob('govmodels-*.whl')
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps', '--target', str(site), str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    code = ("import govmodels, govmodels.data as d, govmodels.text as t; ds = d.load(); "
            "print(govmodels.__file__); print(d.bundled_path()); print(len(ds.observations)); print(len(t._IDIOMS))")
    env = {**os.environ, 'PYTHONPATH': str(site)}
    r = subprocess.run([sys.executable, '-c', code], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    mod_file, data_dir, n, idioms = r.stdout.split('\n')[:4]
    assert int(idioms) > 2000                                   # the idiom list is package data too
    assert mod_file.startswith(str(site)) and data_dir.startswith(str(site)), r.stdout
    assert Path(data_dir).name == 'bundled'
    assert int(n) == len(load().observations)


def _govmodels(*args):
    return subprocess.run([str(BIN/'govmodels'), *args], capture_output=True, text=True)


def test_report_prints_every_case(tmp_path):
    r = _govmodels('report', '--out', str(tmp_path/'r'))
    assert r.returncode == 0, r.stderr
    for case in load().cases.case_id: assert f'\n{case}: ' in r.stdout
    assert 'bounded' in r.stdout


def test_report_on_a_folder_that_is_not_a_data_package(tmp_path):
    r = _govmodels('report', '--data', str(tmp_path))
    assert r.returncode == 1
    assert 'no datapackage.json' in r.stderr and 'Traceback' not in r.stderr


def test_report_on_bad_data_lists_the_problem(tmp_path):
    import shutil
    from govmodels.data import bundled_path
    from conftest import edit_cell
    shutil.copytree(bundled_path(), tmp_path/'d')
    row = edit_cell(tmp_path/'d', 'observations', 'obs_id', 'hetang-01', 'lower', '140')
    r = _govmodels('report', '--data', str(tmp_path/'d'))
    assert r.returncode == 1 and f'observations.csv, row {row}' in r.stderr and 'Traceback' not in r.stderr
