"""The report and the extensibility of the whole pipeline: a seventh, synthetic case flows through without code changes."""
import base64, csv, io, re, shutil, subprocess, sys
from pathlib import Path

import matplotlib.image as mpimg
import pytest

from govmodels.compare import compare, pairs
from govmodels.data import bundled_path, load
from govmodels.derive import metrics_table
from govmodels.plots import coverage_heatmap, forest_plot, grid_structure_plot
from govmodels.report import write_report, MARKER

GOVMODELS = Path(sys.executable).parent/'govmodels'


def append_rows(folder, table, rows):
    p = folder/f'{table}.csv'
    header = next(csv.reader(io.StringIO(p.read_text(encoding='utf-8'))))
    buf = io.StringIO(); w = csv.DictWriter(buf, fieldnames=header, lineterminator='\n'); w.writerows(rows)
    p.write_text(p.read_text(encoding='utf-8') + buf.getvalue(), encoding='utf-8')


@pytest.fixture
def six(tmp_path):
    "The bundled package plus a synthetic seventh case (a town practising micro-grids), added as rows only."
    d = tmp_path/'six'
    shutil.copytree(bundled_path(), d)
    append_rows(d, 'sources', [dict(source_id='synthetic-2026', outlet='示例日报', outlet_en='Example Daily', date='2026-03-01',
                                    date_precision='day', authorship='newsroom', script='simplified', text_file='synthetic.txt', source_quality='official_media', note='synthetic, for tests')])
    append_rows(d, 'cases', [dict(case_id='demo_town', name_zh='示范镇', name_en='Demonstration Town', admin_level='town', case_kind='territorial',
                                  street='示范镇', county='某县', city='某市', province='湖南省', source_id='synthetic-2026')])
    append_rows(d, 'case_models', [dict(case_id='demo_town', model_id='micro_grid', source_id='synthetic-2026')])
    obs = [('01', 'households_per_grid', 30, 20, 40, 'range', '20—40户', '户', '', 10),
           ('02', 'issues_received', 1200, 1200, 1200, 'exact', '1200条', '条', '', 30),
           ('03', 'closure_rate', 0.95, 0.95, 0.95, 'exact', '95%', '%', 'demo_town-02', 40),
           ('04', 'grids', 50, 50, 50, 'exact', '50个', '个', '', 50),
           ('05', 'grid_workers', 60, 60, 70, 'at_least', '60余名', '名', '', 60)]
    append_rows(d, 'observations', [dict(obs_id=f'demo_town-{i}', case_id='demo_town', indicator=ind, value=v, lower=lo, upper=up,
                                         qualifier=q, raw=raw, unit=u, period_text='今年以来' if ind in ('issues_received', 'closure_rate') else '',
                                         base_obs_id=b, source_id='synthetic-2026', offset=off, prominence='body', role='evidence',
                                         grid_level='base' if ind in ('households_per_grid', 'grids', 'grid_workers') else '')
                                    for i, ind, v, lo, up, q, raw, u, b, off in obs])
    return d


def test_sixth_case_flows_through_everything(six, tmp_path):
    ds = load(six)
    mt = metrics_table(ds)
    mine = mt[mt.case_id == 'demo_town']
    assert {'closure_rate', 'households_per_grid', 'grid_workers_per_grid'} <= set(mine.metric)
    cr = mine[mine.metric == 'closure_rate'].iloc[0]
    assert cr.obs_ids == 'demo_town-03;demo_town-02' and cr.interval_kind == 'none' and cr.estimate == 0.95
    cmp = compare(ds)
    bundled = compare(load()).family_coverage.loc['households_per_grid', 'micro_grid']
    assert 'demo_town' in set(cmp.coverage.columns) and cmp.family_coverage.loc['households_per_grid', 'micro_grid'] == bundled   # no component named: the town's figure is no family's
    p = pairs(cmp.metrics, 'grid_workers_per_grid', ['demo_town', 'zhuzhou_rivers'])
    assert len(p) == 1 and 'sectoral_case' in p.differs.item()
    assert cmp.disclosure.loc['demo_town', 'closure_with_base'] == 1
    labels = [t.get_text() for t in forest_plot(mt[mt.unit == 'share'], ds).axes[0].get_yticklabels()]
    assert any('示范镇' in l or 'Demonstration Town' in l for l in labels)
    assert any('示范镇' in t.get_text() or 'Demonstration' in t.get_text() for t in coverage_heatmap(ds).axes[0].get_xticklabels())
    assert any('示范镇' in t.get_text() or 'Demonstration' in t.get_text() for t in grid_structure_plot(ds, mt).axes[0].get_yticklabels())
    out = write_report(ds, tmp_path/'rep', n_draws=500)
    page = (out/'index.html').read_text(encoding='utf-8')
    assert 'demo_town' in page and 'synthetic-2026' in page
    base = load()                                                        # the bundled package the fixture adds one case and one source to
    assert f'{len(base.cases) + 1} cases from {len(base.sources) + 1} sources' in page      # generated from the data, not hard-coded
    assert f'{len(base.cases)} cases from' not in page


def test_report_images_decode(tmp_path):
    out = write_report(load(), tmp_path/'rep', n_draws=500)
    page = (out/'index.html').read_text(encoding='utf-8')
    imgs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(imgs) == 4 and len(list((out/'figures').glob('*.png'))) == 4
    for b64 in imgs:
        h, w, _ = mpimg.imread(io.BytesIO(base64.b64decode(b64)), format='png').shape
        assert h > 200 and w > 300
    md = (out/'report.md').read_text(encoding='utf-8')
    for name in re.findall(r'\]\((figures/[^)]+)\)', md):
        assert mpimg.imread(out/name).shape[0] > 200
    assert (out/MARKER).exists()


def test_report_command_refuses_bad_data_and_foreign_folders(tmp_path, six):
    (six/'observations.csv').write_text((six/'observations.csv').read_text(encoding='utf-8').replace(',1200,1200,1200,', ',1200,1300,1200,'),
                                        encoding='utf-8')
    r = subprocess.run([str(GOVMODELS), 'report', '--data', str(six), '--out', str(tmp_path/'r')], capture_output=True, text=True)
    assert r.returncode == 1 and 'bounds out of order' in r.stderr and not (tmp_path/'r').exists()
    mine = tmp_path/'notes'; mine.mkdir(); (mine/'draft.md').write_text('keep')
    r = subprocess.run([str(GOVMODELS), 'report', '--out', str(mine)], capture_output=True, text=True)
    assert r.returncode == 1 and 'not a govmodels report' in r.stderr and [p.name for p in mine.iterdir()] == ['draft.md']
