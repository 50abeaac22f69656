"""The comparison's research rules, as tests: figures count for the families of their component, intervals say what they
are, derived metrics come from the registry only, open bounds stay open, and the report is generated from the data."""
import re, shutil

import numpy as np
import pandas as pd
import pytest

from govmodels.compare import compare, pairs, FLAG_COLUMNS
from govmodels.data import bundled_path, load
from govmodels.derive import RECIPES, component_families, metrics_table
from govmodels.report import write_report, report_sections, render_html, render_markdown
from govmodels.synthetic import synthetic_dataset
from govmodels.uncertainty import uncertainty

from test_report import append_rows


@pytest.fixture(scope='module')
def bundled():
    ds = load()
    return ds, compare(ds)


def test_family_figures_come_from_the_families_of_their_component(bundled):
    ds, cmp = bundled
    declared = set(map(tuple, component_families(ds)[['component', 'family_id']].to_numpy()))
    ff = cmp.family_figures
    comp = ff.obs_id.map(ds.observations.set_index('obs_id').component)
    assert len(ff) and all((c, f) in declared for c, f in zip(comp, ff.family_id))
    assert not ff.obs_id.isin(ds.observations.obs_id[ds.observations.component.isna()]).any()   # case-level figures: no family


def test_attribution_of_the_cases_the_audit_named(bundled):
    ds, cmp = bundled
    fam = cmp.family_figures.groupby('obs_id').family_id.agg(set)
    assert fam['wangcheng-03'] == {'micro_grid'}                                   # 5–15 households: a micro-grid figure
    for oid in ('hetang-01', 'hetang-02', 'hetang-03', 'hetang-04', 'hetang-05'):
        assert fam[oid] == {'party_led_complex'}                                   # 微党建, not micro-grids
    assert 'sanwang_gongzhi' in fam['xiameiqiao-09'] and 'grid_management' in fam['xiameiqiao-09']
    cov = cmp.family_coverage
    assert not cov['sanzhi_ronghe'].equals(cov['sanwang_gongzhi'])
    assert cov.loc[['meals_delivered', 'industry_output'], 'grid_management'].eq(0).all()


@pytest.mark.parametrize('model', [False, True])
def test_no_sampling_interval_anywhere(bundled, model):
    ds, _ = bundled
    for data in (ds, synthetic_dataset(40, seed=2)):
        mt = metrics_table(data, model=model)
        assert set(mt.interval_kind) <= {'bounds', 'none', 'range'}
        if not model: assert (mt.model == '').all() and mt.model_lower.isna().all()
        else: assert set(mt.model) <= {'', 'binomial (wilson)', 'poisson (exact)'}


def test_no_poisson_model_for_batches_and_person_times():
    mt = metrics_table(synthetic_dataset(60, seed=5), model=True)
    v = mt.obs_ids.str.split(';').str[0]
    batch = mt.metric.str.startswith(('legal_leaflets', 'service_activities', 'meetings_held', 'legal_events', 'households_commended'))
    assert batch.any() and (mt.model[batch] == '').all()


def test_every_metric_comes_from_the_registry_and_per_resident_flows_have_periods(bundled):
    ds, _ = bundled
    kinds = {r.kind for r in RECIPES}
    names = [re.escape(r.metric).replace(re.escape('{numerator}'), '[a-z_]+') for r in RECIPES] + ['grid_branching_\\d+_to_\\d+']
    for data in (ds, synthetic_dataset(80, seed=3)):
        mt = metrics_table(data)
        assert set(mt.recipe) <= kinds
        assert mt.metric.str.fullmatch('|'.join(f'(?:{n})' for n in names)).all()
        intens = mt.recipe.isin(['per 10k resident-years', 'per grid-year', 'per year'])
        assert intens.any() and np.isfinite(mt.period_years[intens]).all() and (mt.period_years[intens] > 0).all()
        assert not mt.obs_ids.str.split(';').explode().isin(data.observations.obs_id[data.observations.prominence != 'body']).any()


@pytest.fixture
def open_package(tmp_path):
    "The bundled package plus a town whose grid workers are printed as 60名以上 (open above)."
    d = tmp_path/'open'
    shutil.copytree(bundled_path(), d)
    append_rows(d, 'sources', [dict(source_id='open-2026', outlet='示例日报', outlet_en='Example Daily', date='2026-03-01', date_precision='day',
                                    authorship='newsroom', script='simplified', text_file='open.txt', source_quality='official_media')])
    append_rows(d, 'cases', [dict(case_id='open_town', name_zh='开放镇', name_en='Open Town', admin_level='town', case_kind='territorial',
                                  province='湖南省', source_id='open-2026')])
    append_rows(d, 'case_models', [dict(case_id='open_town', model_id='sanwang_gongzhi', source_id='open-2026')])
    base = dict(case_id='open_town', component='swgz_grid', source_id='open-2026', prominence='body', role='evidence', grid_level='base')
    append_rows(d, 'observations', [
        dict(base, obs_id='open_town-01', indicator='grids', value=20, lower=20, upper=20, qualifier='exact', raw='20个', unit='个', offset=5),
        dict(base, obs_id='open_town-02', indicator='grid_workers', value=60, lower=60, upper='', qualifier='open_above', raw='60名以上', unit='名', offset=15)])
    return d


def test_open_bounds_stay_open_through_metrics_comparison_composite_and_report(open_package, tmp_path):
    ds = load(open_package)
    cmp = compare(ds)
    r = cmp.metrics[(cmp.metrics.case_id == 'open_town') & (cmp.metrics.metric == 'grid_workers_per_grid')].iloc[0]
    assert r.estimate == 3 and r.lower == 3 and np.isnan(r.upper) and r.interval_kind == 'bounds'
    p = pairs(cmp.metrics, 'grid_workers_per_grid', ['open_town', 'zhuzhou_rivers']).iloc[0]
    assert np.isnan(p.difference_upper if p.case_a == 'open_town' else p.difference_lower)     # the open side stays open
    x = pd.DataFrame({'w': [60.0, 3000.0], 'g': [20.0, 620.0]}, index=['open_town', 'zhuzhou_rivers'])
    with pytest.raises(ValueError, match='open bound'):
        uncertainty(x, lower=x, upper=x.assign(w=[np.nan, 4000.0]), n_draws=10)
    out = write_report(ds, tmp_path/'rep', n_draws=200)
    page = (out/'index.html').read_text(encoding='utf-8')
    assert 'open_town' in page and not re.search(r'>\s*(nan|NaN|None|<NA>|inf)\s*<', page)     # an open side is a blank cell


def test_the_report_names_the_families_and_both_renderings_carry_every_section(tmp_path):
    out = write_report(load(), tmp_path/'rep', n_draws=300)
    page, md = (out/'index.html').read_text(encoding='utf-8'), (out/'report.md').read_text(encoding='utf-8')
    for name in ('三治融合', '三网共治', '微网格'): assert name in page and name in md
    ids = re.findall(r'<section id="([a-z]+)"><h2>([^<]+)</h2>', page)
    assert len(ids) >= 10
    for sid, title in ids: assert f'<a id="{sid}"></a>' in md and f'## {title.replace("&#39;", chr(39))}' in md
    assert 'conclusion' in dict(ids) and 'sampling' not in page and '95% confidence' not in page


def test_report_counts_follow_the_data():
    syn = synthetic_dataset(9, seed=7)
    meta, secs = report_sections(syn, n_draws=200)
    limits = next(s for s in secs if s.id == 'limits').paragraphs
    assert limits[0].startswith('9 cases from 9 sources')
    assert meta['cases'] == 9
