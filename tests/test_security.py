"""Untrusted input, round two (issue 15, first part): a data package, an article or a file name must not make govmodels
read or write outside what the user pointed at, run markup or formulas downstream, or hang. Each case asserts the exact
one-line problem, no traceback, and nothing read, changed or left behind."""
import csv, io, json, os, shutil, subprocess, sys, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govmodels.data import bundled_path, load, save, verify
from govmodels.files import FileError
from govmodels.report import write_report

from test_validate import run_validate, _hashes

GOVMODELS = Path(sys.executable).parent/'govmodels'


@pytest.fixture
def pkg(tmp_path):
    d = tmp_path/'pkg'
    shutil.copytree(bundled_path(), d)
    return d


def set_path(d, name, path):
    p = d/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8'))
    next(r for r in dp['resources'] if r['name'] == name)['path'] = path
    p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')


def outside_csv(tmp_path):
    o = tmp_path/'outside'; o.mkdir()
    f = o/'secret.csv'; f.write_text('SECRET_HEADER,x\nSECRET_VALUE,1\n', encoding='utf-8')
    return f


@pytest.mark.parametrize('how, expected', [
    ('absolute', "must be a relative path inside"),
    ('dotdot', "must not contain '..'"),
    ('url', "must be a relative path inside"),
    ('symlink', "leads outside"),
    ('list', "must be a file name inside the folder"),
])
def test_resource_paths_never_leave_the_package(pkg, tmp_path, how, expected):
    secret = outside_csv(tmp_path)
    if how == 'symlink': (pkg/'cases_link.csv').symlink_to(secret)
    path = {'absolute': str(secret), 'dotdot': '../outside/secret.csv', 'url': 'https://example.org/cases.csv',
            'symlink': 'cases_link.csv', 'list': ['cases.csv']}[how]
    set_path(pkg, 'cases', path)
    before = _hashes(pkg)
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err
    assert any(l.startswith('datapackage.json, column resources: resource \'cases\' path') and expected in l for l in lines), lines
    assert not any('SECRET' in l for l in lines)                                   # nothing from the outside file is echoed
    assert _hashes(pkg) == before


def test_report_refuses_a_package_pointing_outside(pkg, tmp_path):
    secret = outside_csv(tmp_path)
    set_path(pkg, 'cases', str(secret))
    r = subprocess.run([str(GOVMODELS), 'report', '--data', str(pkg), '--out', str(tmp_path/'rep')], capture_output=True, text=True)
    assert r.returncode == 1 and 'must be a relative path' in r.stderr and 'Traceback' not in r.stderr and 'SECRET' not in r.stderr
    assert not (tmp_path/'rep').exists()


def test_verify_reads_no_text_outside_the_source_folder(tmp_path):
    ds = load()
    secret = tmp_path/'secret.txt'; secret.write_text('139个' * 1000, encoding='utf-8')
    src = tmp_path/'sources'; src.mkdir()
    ds.sources.loc[0, 'text_file'] = str(secret)                     # an absolute path in sources.text_file
    ds.sources.loc[1, 'text_file'] = '../secret.txt'
    out = verify(ds, src)
    bad = out[out.source_id.isin(ds.sources.source_id[:2])]
    assert len(bad) and bad.problem.str.contains("must be a relative path|must not contain '..'").all()
    assert bad.found.isna().all()


def test_save_writes_only_inside_the_target(tmp_path):
    ds = load()
    victim = tmp_path/'victim.csv'; victim.write_text('keep me', encoding='utf-8')
    for r in ds.descriptor['resources']:
        if r['name'] == 'cases': r['path'] = '../victim.csv'
    with pytest.raises(FileError, match="must not contain '..'"): save(ds, tmp_path/'out')
    assert victim.read_text(encoding='utf-8') == 'keep me'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['victim.csv']       # no target, no temporary folder left


def test_catastrophic_pattern_is_stopped(pkg):
    p = pkg/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8'))
    f = next(f for f in dp['resources'][0]['schema']['fields'] if f['name'] == 'outlet')
    f['constraints']['pattern'] = '^(a|aa)+$'
    p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')
    s = (pkg/'sources.csv').read_text(encoding='utf-8')
    (pkg/'sources.csv').write_text(s.replace(',株洲日报,', ',' + 'a' * 45 + '!,', 1), encoding='utf-8')
    t = time.perf_counter()
    code, lines, err = run_validate(pkg)
    assert time.perf_counter() - t < 60 and code == 1 and 'Traceback' not in err
    assert any('catastrophic backtracking' in l for l in lines), lines


def test_invalid_pattern_is_one_line(pkg):
    p = pkg/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8'))
    next(f for f in dp['resources'][0]['schema']['fields'] if f['name'] == 'outlet')['constraints']['pattern'] = '([unclosed'
    p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err and any('is not a valid regular expression' in l for l in lines)


def test_report_markdown_carries_no_markup_from_the_data(pkg, tmp_path):
    s = (pkg/'cases.csv').read_text(encoding='utf-8')
    s = s.replace(',荷塘区,Hetang District,', ',<script>alert(1)</script>,[click](javascript:alert(1)) ![t](http://tracker.example/p.png),', 1)
    (pkg/'cases.csv').write_text(s, encoding='utf-8')
    p = pkg/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8'))
    dp['version'] = '1.0\n# injected heading'
    p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')
    out = write_report(load(pkg), tmp_path/'rep', n_draws=200)
    md, page = (out/'report.md').read_text(encoding='utf-8'), (out/'index.html').read_text(encoding='utf-8')
    for text in (md, page):
        assert '<script>' not in text and '](javascript:' not in text and '](http://tracker' not in text
    assert '\n# injected' not in md


def test_extract_output_runs_no_formula(tmp_path):
    art = tmp_path/'=HYPERLINK("http-x").txt'
    art.write_text('某街道共划分网格93个,收到问题8071条。\n', encoding='utf-8')
    out = tmp_path/'cands.csv'
    r = subprocess.run([str(GOVMODELS), 'extract', str(art), '--out', str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding='utf-8'))) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith(('=', '+', '@')) for c in cells)


@pytest.mark.parametrize('special', ['fifo', 'device'])
def test_extract_refuses_special_files(tmp_path, special):
    if special == 'fifo':
        target = tmp_path/'pipe.txt'; os.mkfifo(target)
    else:
        target = Path('/dev/zero')
    t = time.perf_counter()
    r = subprocess.run([str(GOVMODELS), 'extract', str(target)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and 'not a regular file' in r.stderr and 'Traceback' not in r.stderr
    assert time.perf_counter() - t < 30


def edit_descriptor(d, fn):
    p = d/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8')); fn(dp)
    p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')


@pytest.mark.parametrize('name, change, expected', [
    ('schema as a string', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1].update(schema='x')),
     "datapackage.json, column resources: resource 'cases': schema must be an object with a list of fields (value 'cases')"),
    ('field without a name', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1]['schema']['fields'][0].pop('name')),
     "datapackage.json, column resources: resource 'cases': field 1 of the schema has no name (value 'cases')"),
    ('descriptor nested too deeply', lambda d: (d/'datapackage.json').write_text('{"resources": ' + '[' * 100_000 + ']' * 100_000 + '}'),
     'datapackage.json: not a usable descriptor: nested too deeply'),
    ('date that does not exist', lambda d: (d/'observations.csv').write_text((d/'observations.csv').read_text(encoding='utf-8').replace(',2020-05,,,', ',2023-02-30,,,'), encoding='utf-8'),
     "observations.csv, row 12, column period_start: not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD) (value '2023-02-30')"),
    ('month that does not exist', lambda d: (d/'observations.csv').write_text((d/'observations.csv').read_text(encoding='utf-8').replace(',2020-05,,,', ',2023-13,,,'), encoding='utf-8'),
     "observations.csv, row 12, column period_start: not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD) (value '2023-13')"),
    ('rate base of zero', lambda d: (d/'observations.csv').write_text((d/'observations.csv').read_text(encoding='utf-8').replace(',8071,8071,8071,', ',0,0,0,'), encoding='utf-8'),
     "observations.csv, row 63, column base_obs_id: the base of a rate must be greater than 0 (value 'wangcheng-10')"),
    ('encoding as a number', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1].update(encoding=7)),
     "datapackage.json, column resources: resource 'cases': encoding must be a string such as \"utf-8\" (value 'cases')"),
    ('primary key as a number', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1]['schema'].update(primaryKey=5)),
     "datapackage.json, column resources: resource 'cases': primaryKey must be a field name or a list of them (value 'cases')"),
    ('enum as a number', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1]['schema']['fields'][0].update(constraints={'enum': 5})),
     "datapackage.json, column resources: resource 'cases': field 'case_id': constraints.enum must be a list (value 'cases')"),
    ('required as a word', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1]['schema']['fields'][0].update(constraints={'required': 'yes'})),
     "datapackage.json, column resources: resource 'cases': field 'case_id': constraints.required must be true or false (value 'cases')"),
    ('type as a list', lambda d: edit_descriptor(d, lambda dp: dp['resources'][1]['schema']['fields'][0].update(type=['string'])),
     "datapackage.json, column resources: resource 'cases': field 'case_id': type must be a string (value 'cases')"),
    ('integer beyond 64 bits', lambda d: (d/'observations.csv').write_text((d/'observations.csv').read_text(encoding='utf-8').replace(',zzrb-20220117,433,', ',zzrb-20220117,' + '9' * 30 + ','), encoding='utf-8'),
     f"observations.csv, row 2, column offset: integer beyond the 64-bit range (value '{'9' * 30}')"),
    ('rate that is its own base', lambda d: (d/'observations.csv').write_text((d/'observations.csv').read_text(encoding='utf-8').replace(',wangcheng-10,cswb-20231221,1263,', ',wangcheng-11,cswb-20231221,1263,'), encoding='utf-8'),
     "observations.csv, row 63, column base_obs_id: a rate cannot be its own base (value 'wangcheng-11')"),
])
def test_malformed_packages_give_one_line(pkg, name, change, expected):
    change(pkg)
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err and expected in lines, (lines, err[-500:])
    r = subprocess.run([str(GOVMODELS), 'report', '--data', str(pkg), '--out', str(pkg.parent/'rep')], capture_output=True, text=True)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and not (pkg.parent/'rep').exists()


def test_operating_system_errors_are_one_line(tmp_path):
    r = subprocess.run([str(GOVMODELS), 'report', '--out', str(tmp_path/('a' * 250))], capture_output=True, text=True)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'File name too long' in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize('target', ['missing', 'report'])
def test_report_out_as_a_symbolic_link_is_refused(tmp_path, target):
    "Replacing a link would replace the link, not the folder it points to (and a dangling link made the rename fail obscurely)."
    if target == 'report': write_report(load(), tmp_path/'real', n_draws=100)
    (tmp_path/'link').symlink_to(tmp_path/('real' if target == 'report' else 'nowhere'))
    before = sorted(p.name for p in tmp_path.iterdir())
    r = subprocess.run([str(GOVMODELS), 'report', '--out', str(tmp_path/'link')], capture_output=True, text=True)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'is a symbolic link' in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before and (tmp_path/'link').is_symlink()


def test_output_piped_into_head_stops_quietly(tmp_path):
    art = tmp_path/'a.txt'; art.write_text('共划分网格93个。' * 2000, encoding='utf-8')
    r = subprocess.run(f'"{GOVMODELS}" extract "{art}" | head -1', shell=True, capture_output=True, text=True)
    assert 'Traceback' not in r.stderr and 'BrokenPipe' not in r.stderr, r.stderr
    assert r.stdout.startswith('source_id') and r.stdout.count('\n') == 1


def test_report_folder_follows_the_umask_and_a_crash_is_recovered(tmp_path):
    old = os.umask(0o022)
    try: out = write_report(load(), tmp_path/'rep', n_draws=100)
    finally: os.umask(old)
    assert (out.stat().st_mode & 0o777) == 0o755                              # a colleague or web server can read it
    os.replace(out, tmp_path/'.rep.old')                                      # killed between the two renames of a re-run
    stale = tmp_path/'.rep.x1y2.tmp'; stale.mkdir(); os.utime(stale, (time.time() - 7200,) * 2)
    write_report(load(), tmp_path/'rep', n_draws=100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['rep']


def test_silent_wrong_results_are_refused_or_right():
    from govmodels.composite import normalize_indicators, ahp_weights, coupling_coordination
    from govmodels.metrics import intensity, proportion
    df = pd.DataFrame({'a': [1.0, 2.0, 3.0], 'b': [3.0, 1.0, 2.0]})
    assert normalize_indicators(df, higher_is_better=['False', 'True']).a.tolist() == [1.0, 0.5, 0.0]   # a CSV's 'False' is False
    for call, msg in [(lambda: normalize_indicators(df, higher_is_better=['maybe', True]), 'is not a direction'),
                      (lambda: ahp_weights(np.ones((20, 20))), 'tabulated up to 15'),
                      (lambda: coupling_coordination(df, {'x': ['a'], 'y': []}), 'subsystems without indicators'),
                      (lambda: normalize_indicators(df, method='target', target=[1.0, np.nan]), 'need a finite target'),
                      (lambda: intensity(np.inf, 1.0), 'count must be finite'),
                      (lambda: proportion(5, np.inf), 'n must be finite')]:
        with pytest.raises(ValueError, match=msg): call()


def test_a_source_without_an_english_outlet_keeps_its_outlet(pkg, tmp_path):
    s = (pkg/'sources.csv').read_text(encoding='utf-8').replace(',株洲日报,Zhuzhou Daily,2022-01-17,', ',株洲日报,,2022-01-17,', 1)
    (pkg/'sources.csv').write_text(s, encoding='utf-8')
    page = (write_report(load(pkg), tmp_path/'rep', n_draws=100)/'index.html').read_text(encoding='utf-8')
    assert '<td>株洲日报</td>' in page and '株洲日报 ()' not in page


def test_save_force_replaces_only_a_data_package(tmp_path):
    mine = tmp_path/'thesis'; mine.mkdir(); (mine/'ch1.docx').write_text('keep', encoding='utf-8')
    with pytest.raises(FileError, match='is not a data package'): save(load(), mine, force=True)
    assert [p.name for p in mine.iterdir()] == ['ch1.docx']
    save(load(), tmp_path/'pkg'); save(load(), tmp_path/'pkg', force=True)              # a data package may be replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ['pkg', 'thesis']


def test_a_terminal_that_cannot_show_chinese_gets_no_traceback(tmp_path):
    r = subprocess.run([str(GOVMODELS), 'report', '--out', str(tmp_path/'r')], capture_output=True, text=True,
                       env={**os.environ, 'PYTHONIOENCODING': 'ascii'})
    assert r.returncode == 0 and 'Traceback' not in r.stderr and '\\u4f59' in r.stdout


def test_blank_lines_are_skipped_while_streaming(pkg):
    p = pkg/'claims.csv'; p.write_text(p.read_text(encoding='utf-8') + '\n' * 200_000, encoding='utf-8')
    code, lines, err = run_validate(pkg)
    assert code == 0 and lines == [], lines
    assert len(load(pkg).claims) == 4


@pytest.mark.parametrize('edit, expected', [
    (lambda dp: next(r for r in dp['resources'] if r['name'] == 'observations')['schema'].update(
        fields=[f for f in next(r for r in dp['resources'] if r['name'] == 'observations')['schema']['fields'] if f['name'] != 'qualifier']),
     "datapackage.json, column resources: resource 'observations': its schema drops the field 'qualifier', which govmodels needs (type string) (value 'observations')"),
    (lambda dp: [f.update(type='string') for f in next(r for r in dp['resources'] if r['name'] == 'observations')['schema']['fields'] if f['name'] == 'value'],
     "datapackage.json, column resources: resource 'observations': its schema gives 'value' the type string, govmodels needs number (value 'observations')"),
])
def test_a_schema_that_drops_or_retypes_a_needed_field(pkg, tmp_path, edit, expected):
    edit_descriptor(pkg, edit)
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err and expected in lines, lines
    r = subprocess.run([str(GOVMODELS), 'report', '--data', str(pkg), '--out', str(tmp_path/'rep')], capture_output=True, text=True)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and expected in r.stderr


def test_an_empty_package_is_refused_in_one_line(pkg, tmp_path):
    for f in pkg.glob('*.csv'): f.write_text(f.read_text(encoding='utf-8').splitlines()[0] + '\n', encoding='utf-8')
    r = subprocess.run([str(GOVMODELS), 'report', '--data', str(pkg), '--out', str(tmp_path/'rep')], capture_output=True, text=True)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'no cases: there is nothing to compare or report' in r.stderr
    assert not (tmp_path/'rep').exists()


def _full_disk(limit=20_000):
    "In the child: writes beyond `limit` bytes fail with an OSError (EFBIG), as on a full disk, instead of killing the process."
    import resource, signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize('out, lines, limit', [('cands.csv', 400, 20_000), ('cands.parquet', 400, 20_000),
                                               ('cands.csv', 10, 1_000)])     # all in the write buffer: it fails when closing
def test_extract_on_a_full_disk_leaves_the_old_outputs_and_no_temporary(tmp_path, out, lines, limit):
    art = tmp_path/'art'; art.mkdir()
    (art/'a.txt').write_text('某镇共划分网格93个,配备网格员120名,收到问题8071条,办结率99.31%。\n' * lines, encoding='utf-8')
    res = tmp_path/'res'; res.mkdir()
    old = {res/out: b'old candidates', res/out.replace('cands', 'cands.documents'): b'old documents'}
    for p, b in old.items(): p.write_bytes(b)
    r = subprocess.run([str(GOVMODELS), 'extract', str(art), '--out', str(res/out), '--force'], capture_output=True, text=True,
                       preexec_fn=lambda: _full_disk(limit))
    assert r.returncode == 1 and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert {p.name: p.read_bytes() for p in res.iterdir()} == {p.name: b for p, b in old.items()}   # nothing half-written, nothing left


def test_report_on_a_full_disk_keeps_the_old_report(tmp_path):
    old = tmp_path/'rep'; old.mkdir(); (old/'report.html').write_text('old report', encoding='utf-8')
    r = subprocess.run([str(GOVMODELS), 'report', '--out', str(old)], capture_output=True, text=True, preexec_fn=_full_disk)
    assert r.returncode == 1 and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ['rep'] and [p.name for p in old.iterdir()] == ['report.html']
    assert (old/'report.html').read_text(encoding='utf-8') == 'old report'


def test_outputs_follow_the_umask(tmp_path):
    art = tmp_path/'a.txt'; art.write_text('共划分网格93个。\n', encoding='utf-8')
    r = subprocess.run(f'umask 022 && "{GOVMODELS}" extract "{art}" --out "{tmp_path/"c.csv"}"', shell=True, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.glob('c*')} == {'c.csv': 0o644, 'c.documents.csv': 0o644}


def test_zero_grid_counts_give_no_metric_instead_of_a_crash(pkg):
    "A package where every grid count is 0 (exact): the per-grid ratios and the branching between grid levels are not derived."
    from govmodels.derive import metrics_table
    rows = list(csv.reader(io.StringIO((pkg/'observations.csv').read_text(encoding='utf-8'))))
    h = rows[0]
    for r in rows[1:]:
        if r[h.index('indicator')] == 'grids':
            for c in ('value', 'lower', 'upper'): r[h.index(c)] = '0'
            r[h.index('raw')], r[h.index('qualifier')] = '0个', 'exact'
    buf = io.StringIO(); csv.writer(buf, lineterminator='\n').writerows(rows)
    (pkg/'observations.csv').write_text(buf.getvalue(), encoding='utf-8')
    m = metrics_table(load(pkg))
    assert len(m) and not (m.denominator == 0).any()
    assert not m.metric.str.startswith('grid_branching').any()


@pytest.mark.parametrize('name', ['datapackage.json', 'cases.csv'])
def test_an_unreadable_file_is_one_line(pkg, monkeypatch, name):
    "Permission denied (simulated: the tests may run as root, who reads anything) on the descriptor or on a table."
    real_open = open
    def guarded(file, *a, **k):
        if Path(file).name == name: raise PermissionError(13, 'Permission denied', str(file))
        return real_open(file, *a, **k)
    monkeypatch.setattr('builtins.open', guarded)
    monkeypatch.setattr('io.open', guarded)                            # pathlib opens through io.open
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err and f'{name}: cannot be read (Permission denied)' in lines, (lines, err[-300:])
