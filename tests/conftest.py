import csv, shutil
from pathlib import Path

import pytest

from govmodels.data import bundled_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_copy(tmp_path):
    "A writable copy of the bundled data package."
    dst = tmp_path/'data'
    shutil.copytree(bundled_path(), dst)
    return dst


def edit_cell(folder, table, key_col, key, col, value):
    "Set one cell of `table`.csv in `folder`, found by `key_col == key`; returns the CSV row number (header = 1)."
    fn = Path(folder)/f'{table}.csv'
    with open(fn, encoding='utf-8', newline='') as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0])
    hit = [i for i, r in enumerate(rows) if r[key_col] == key]
    assert len(hit) == 1, f'{key_col}={key} not unique in {table}'
    rows[hit[0]][col] = value
    with open(fn, 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator='\n'); w.writeheader(); w.writerows(rows)
    return hit[0] + 2
