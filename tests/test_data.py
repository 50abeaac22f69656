"""The bundled data package, its loader and every validation rule (one bad-data fixture each)."""
import os

import pandas as pd
import pytest

from govmodels.checks import DataError
from govmodels.data import Dataset, TABLES, bundled_path, load, verify
from conftest import edit_cell


def test_bundled_package_passes_frictionless():
    frictionless = pytest.importorskip('frictionless')
    report = frictionless.validate(str(bundled_path()/'datapackage.json'))
    assert report.valid, report.flatten(['rowNumber', 'fieldName', 'message'])


def test_load_types_and_counts():
    ds = load()
    assert [len(getattr(ds, t)) > 0 for t in TABLES] == [True] * len(TABLES)
    assert len(ds.observations) > 60
    assert ds.sources.date.dtype.kind == 'M'
    assert str(ds.observations.offset.dtype) == 'Int64'
    assert ds.indicators.higher_is_better.dtype == 'boolean'
    # every source contributes figures, every case has some
    assert set(ds.observations.source_id) == set(ds.sources.source_id)
    assert set(ds.observations.case_id) == set(ds.cases.case_id)


def test_figures_read_by_hand():
    "A few rows checked against the articles by hand."
    o = load().observations.set_index('obs_id')
    assert tuple(o.loc['xiameiqiao-04', ['raw', 'value']]) == ('3.58萬(wàn)人', 35800)
    assert tuple(o.loc['jingzhou-15', ['lower', 'upper', 'qualifier']]) == (7e9, 8e9, 'at_least')     # 70多亿元
    assert tuple(o.loc['jingzhou-06', ['lower', 'value', 'upper']]) == (300, 400, 500)                 # 300—500户
    assert o.loc['wangcheng-11', 'value'] == pytest.approx(0.9931)
    assert o.loc['wangcheng-11', 'base_obs_id'] == 'wangcheng-10' and o.loc['wangcheng-10', 'value'] == 8071
    assert list(o.loc[[f'wangcheng-0{i}' for i in range(4, 8)], 'tier']) == [1, 2, 3, 4]


def test_loading_does_not_touch_files(data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    load(data_copy)
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before


# (table, key column, key, {column: new value}, file reported, column reported, words in the problem)
BAD = [
    ('observations', 'obs_id', 'hetang-01', {'value': '1x9'}, 'observations.csv', 'value', 'expected a number'),
    ('observations', 'obs_id', 'hetang-02', {'case_id': 'nowhere'}, 'observations.csv', 'case_id', 'not found in cases.csv (case_id)'),
    ('observations', 'obs_id', 'hetang-03', {'obs_id': 'hetang-01'}, 'observations.csv', 'obs_id', 'duplicate value (first in row 2)'),
    ('observations', 'obs_id', 'hetang-01', {'qualifier': 'roughly'}, 'observations.csv', 'qualifier', "not one of the allowed values ['exact', 'at_least', 'approx', 'range', 'open_above', 'open_below']"),
    ('observations', 'obs_id', 'hetang-01', {'raw': ''}, 'observations.csv', 'raw', 'required value is missing'),
    ('observations', 'obs_id', 'hetang-01', {'offset': ''}, 'observations.csv', 'offset', 'required value is missing'),
    ('observations', 'obs_id', 'hetang-01', {'offset': '-5'}, 'observations.csv', 'offset', 'below the minimum 0'),
    ('observations', 'obs_id', 'hetang-01', {'period_start': '2020/05'}, 'observations.csv', 'period_start', 'does not match the pattern'),
    ('observations', 'obs_id', 'hetang-01', {'unit': 'pcs'}, 'observations.csv', 'unit', 'not one of the allowed values'),
    ('sources', 'source_id', 'zzrb-20220117', {'date': '17 Jan 2022'}, 'sources.csv', 'date', 'expected a date as YYYY-MM-DD'),
    ('indicators', 'code', 'closure_rate', {'kind': 'percentage'}, 'indicators.csv', 'kind', 'not one of the allowed values'),
    ('case_models', 'model_id', 'sanwei', {'model_id': 'sanwei_typo'}, 'case_models.csv', 'model_id', 'not found in models.csv (model_id)'),
    # domain rules (govmodels.checks)
    ('observations', 'obs_id', 'hetang-01', {'lower': '140'}, 'observations.csv', 'lower+value+upper', 'bounds out of order'),
    ('observations', 'obs_id', 'wangcheng-11', {'value': '99.31', 'lower': '99.31', 'upper': '99.31'}, 'observations.csv', 'value', 'write 0.9931 for 99.31%'),
    ('observations', 'obs_id', 'hetang-01', {'value': '-139', 'lower': '-139', 'upper': '-139'}, 'observations.csv', 'value', 'negative figure'),
    ('observations', 'obs_id', 'jingzhou-01', {'upper': '13100'}, 'observations.csv', 'lower+upper', 'bound rule'),
    ('observations', 'obs_id', 'hetang-01', {'component': 'szrh_law'}, 'observations.csv', 'component', 'belongs to no model'),
    ('observations', 'obs_id', 'hetang-01', {'component': 'sanwei'}, 'observations.csv', 'component', 'not a component'),
    ('observations', 'obs_id', 'hetang-03', {'base_obs_id': 'wangcheng-10'}, 'observations.csv', 'base_obs_id', 'belongs to case'),
    ('observations', 'obs_id', 'hetang-01', {'base_obs_id': 'hetang-02'}, 'observations.csv', 'base_obs_id', 'only a rate has a base'),
    ('observations', 'obs_id', 'wangcheng-10', {'period_end': '2022-12-31'}, 'observations.csv', 'period_end', 'ends before it starts'),
    ('cases', 'case_id', 'xiameiqiao', {'population': '36000'}, 'cases.csv', 'population', 'no observation'),
    ('models', 'model_id', 'sanwei', {'parent_id': ''}, 'models.csv', 'parent_id', 'needs a parent'),
    ('models', 'model_id', 'sanwei', {'parent_id': 'szrh_law'}, 'models.csv', 'parent_id', 'must be a family'),
    ('models', 'model_id', 'micro_grid', {'parent_id': 'sanzhi_ronghe'}, 'models.csv', 'parent_id', 'a family has no parent'),
]


@pytest.mark.parametrize('table,key_col,key,changes,file,column,words', BAD, ids=[f'{b[0]}-{b[2]}-{"+".join(b[3])}' for b in BAD])
def test_bad_data_is_reported(data_copy, table, key_col, key, changes, file, column, words):
    for col, v in changes.items(): row = edit_cell(data_copy, table, key_col, key, col, v)
    with pytest.raises(DataError) as e: load(data_copy)
    p = e.value.problems
    hits = p[(p.file == file) & p.problem.str.lower().str.contains(words.lower(), regex=False)]
    assert len(hits) >= 1, p.to_string()
    assert (hits.row == row).any(), p.to_string()
    if column: assert (hits.column == column).any(), p.to_string()
    assert file in str(e.value) and f'row {row}' in str(e.value)


def test_all_domain_problems_at_once(data_copy):
    r1 = edit_cell(data_copy, 'observations', 'obs_id', 'hetang-01', 'lower', '140')
    r2 = edit_cell(data_copy, 'cases', 'case_id', 'xiameiqiao', 'population', '36000')
    with pytest.raises(DataError) as e: load(data_copy)
    got = set(zip(e.value.problems.file, e.value.problems.row))
    assert {('observations.csv', r1), ('cases.csv', r2)} <= got


def test_missing_descriptor_and_missing_file(data_copy):
    (data_copy/'cases.csv').unlink()
    with pytest.raises(DataError, match='cases'): load(data_copy)
    (data_copy/'datapackage.json').unlink()
    with pytest.raises(DataError, match='no datapackage.json'): load(data_copy)


def test_extra_column(data_copy):
    fn = data_copy/'cases.csv'
    lines = fn.read_text(encoding='utf-8').splitlines()
    fn.write_text('\n'.join([lines[0] + ',extra'] + [l + ',x' for l in lines[1:]]) + '\n', encoding='utf-8')
    with pytest.raises(DataError, match='extra'): load(data_copy)


# --- provenance -------------------------------------------------------------------------------

def _tiny(tmp_path, raw, offset):
    "A one-figure dataset over a text written for this test."
    (tmp_path/'a.txt').write_text('某街道共划分网格93个,办结率达99.31%。', encoding='utf-8')
    sources = pd.DataFrame({'source_id': ['s1'], 'text_file': ['a.txt']})
    obs = pd.DataFrame({'obs_id': ['x-01'], 'source_id': ['s1'], 'offset': [offset], 'raw': [raw]})
    empty = pd.DataFrame()
    claims = pd.DataFrame(columns=['claim_id', 'source_id', 'offset', 'raw'])
    return Dataset(sources=sources, cases=empty, models=empty, case_models=empty, indicators=empty, observations=obs, claims=claims)


def test_verify_finds_a_wrong_offset(tmp_path):
    assert verify(_tiny(tmp_path, '93个', 8), tmp_path).empty
    bad = verify(_tiny(tmp_path, '93个', 7), tmp_path)
    assert bad.obs_id.tolist() == ['x-01'] and bad.found.item() == '格93' and bad.found_at.item() == 8


def test_verify_missing_text_and_folder(tmp_path):
    ds = _tiny(tmp_path, '93个', 8)
    (tmp_path/'a.txt').unlink()
    assert 'not found' in verify(ds, tmp_path).problem.item()
    with pytest.raises(ValueError, match='source_dir'): verify(ds, tmp_path/'nope')


def test_verify_uses_environment(tmp_path, monkeypatch):
    ds = _tiny(tmp_path, '93个', 8)
    monkeypatch.setenv('GOVMODELS_SOURCE_DIR', str(tmp_path))
    assert verify(ds).empty
    monkeypatch.delenv('GOVMODELS_SOURCE_DIR')
    with pytest.raises(ValueError, match='GOVMODELS_SOURCE_DIR'): verify(ds)


@pytest.mark.skipif(not os.environ.get('GOVMODELS_SOURCE_DIR'),
                    reason='GOVMODELS_SOURCE_DIR is not set: the archived source texts are needed to verify the bundled locators')
def test_bundled_locators_match_the_sources():
    ds = load()
    bad = verify(ds)
    assert not bad.checked.any(), bad[bad.checked].to_string()          # no mismatch among the archived rows
    web = ds.sources.source_id[ds.sources.text_file.isna()]
    assert set(bad.obs_id) == set(ds.observations.obs_id[ds.observations.source_id.isin(web)])   # the rest: web rows, listed as not checked


def test_bundled_figures_are_within_plausible_ranges():
    "Every curated figure lies inside its indicator's plausible range (lexicon.plausible_range): the ranges flag misreadings, not the evidence."
    from govmodels.lexicon import plausible_range
    obs = load().observations
    for o in obs.itertuples():
        rng = plausible_range(o.indicator)
        if rng is None: continue
        for v in (o.lower, o.value, o.upper):
            assert v != v or rng[0] <= v <= rng[1], (o.obs_id, o.indicator, v, rng)
