"""`govmodels validate` on a table of bad inputs: each must print its exact problem, exit 1, show no
traceback and change no file. Plus Hypothesis fuzzing of the loader with random and truncated files."""
import contextlib, hashlib, io, json, shutil, subprocess, sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from govmodels.checks import DataError
from govmodels.cli import main
from govmodels.data import bundled_path, load, save, validate

ALLOWED_UNITS = "['个', '名', '户', '条', '件', '场次', '场', '次', '人', '人次', '份', '起', '支', '家', '期', '栋', '座', '元', '平方公里', '年', '项', '%']"


def text_edit(table, old, new, count=1):
    "Replace text in a CSV of the package."
    def f(d):
        p = d/f'{table}.csv'; s = p.read_text(encoding='utf-8')
        assert old in s, (table, old)
        p.write_text(s.replace(old, new, count), encoding='utf-8')
    return f


def bytes_of(table, data):
    def f(d): (d/f'{table}.csv').write_bytes(data)
    return f


def reencode(table, enc, s2t=False):
    def f(d):
        p = d/f'{table}.csv'; s = p.read_text(encoding='utf-8')
        if s2t:
            import opencc; s = opencc.OpenCC('s2t').convert(s)
        p.write_bytes(s.encode(enc))
    return f


def descriptor(edit):
    def f(d):
        p = d/'datapackage.json'; dp = json.loads(p.read_text(encoding='utf-8')); edit(dp)
        p.write_text(json.dumps(dp, ensure_ascii=False), encoding='utf-8')
    return f


def drop_column(table, name):
    def f(d):
        import csv
        p = d/f'{table}.csv'
        rows = list(csv.reader(io.StringIO(p.read_text(encoding='utf-8'))))
        i = rows[0].index(name)
        buf = io.StringIO(); csv.writer(buf, lineterminator='\n').writerows([r[:i] + r[i + 1:] for r in rows])
        p.write_text(buf.getvalue(), encoding='utf-8')
    return f


OBS2 = 'hetang-01,hetang,sanwei_party,party_organisations,139,139,139,exact,139个'
# (id, change to a copy of the bundled package, the exact line(s) that must be printed)
BAD = [
    ('missing column', drop_column('cases', 'note'), ['cases.csv, row 1, column note: missing column (required by the schema)']),
    ('extra column', lambda d: (d/'cases.csv').write_text(''.join(l[:-1] + (',extra\n' if i == 0 else ',x\n') for i, l in enumerate(
        (d/'cases.csv').read_text(encoding='utf-8').splitlines(True))), encoding='utf-8'), ['cases.csv, row 1, column extra: unexpected column (not in the schema)']),
    ('integer with a multiplier', text_edit('cases', ',35800,', ',3.58万,'), ["cases.csv, row 7, column population: expected an integer (value '3.58万')"]),
    ('integer beyond 64 bits', text_edit('cases', ',35800,', ',358000000000000000000000,'),
     ["cases.csv, row 7, column population: integer beyond the 64-bit range (value '358000000000000000000000')"]),
    ('number with letters', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',1x9,139,139,')), ["observations.csv, row 2, column value: expected a number (value '1x9')"]),
    ('number written nan', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',139,nan,139,')), ["observations.csv, row 2, column lower: expected a finite number (value 'nan')"]),
    ('date in another format', text_edit('sources', ',2022-01-17,', ',17 Jan 2022,'), ["sources.csv, row 2, column date: expected a date as YYYY-MM-DD (value '17 Jan 2022')"]),
    ('impossible date', text_edit('sources', ',2022-01-17,', ',2022-02-30,'), ["sources.csv, row 2, column date: not a valid calendar date (value '2022-02-30')"]),
    ('boolean as yes', text_edit('indicators', 'count_model\npopulation,常住人口,resident population,人,stock,context,People living in the place (常住人口).,',
                                 'count_model\npopulation,常住人口,resident population,人,stock,context,People living in the place (常住人口).,yes'),
     ["indicators.csv, row 2, column higher_is_better: expected one of ['TRUE', 'FALSE'] (value 'yes')"]),
    ('empty required field', text_edit('observations', OBS2, OBS2.replace(',139个', ',')), ['observations.csv, row 2, column raw: required value is missing']),
    ('duplicate id', text_edit('observations', 'hetang-02,', 'hetang-01,'), ["observations.csv, row 3, column obs_id: duplicate value (first in row 2) (value 'hetang-01')"]),
    ('duplicate primary key', text_edit('case_models', 'hetang,sanshe_liandong,', 'hetang,sanwei,'), ["case_models.csv, row 3, column case_id+model_id: duplicate primary key (first in row 2) (value 'hetang/sanwei')"]),
    ('dangling case', text_edit('observations', OBS2, OBS2.replace(',hetang,', ',nowhere,')),
     ["observations.csv, row 2, column case_id: not found in cases.csv (case_id) (value 'nowhere')"]),
    ('dangling indicator', text_edit('observations', OBS2, OBS2.replace('party_organisations', 'party_orgs')),
     ["observations.csv, row 2, column indicator: not found in indicators.csv (code) (value 'party_orgs')"]),
    ('dangling source', text_edit('observations', ',zzrb-20220117,433,', ',zzrb-2022,433,'),
     ["observations.csv, row 2, column source_id: not found in sources.csv (source_id) (value 'zzrb-2022')"]),
    ('dangling model', text_edit('case_models', 'hetang,sanwei,', 'hetang,sanwie,'),
     ["case_models.csv, row 2, column model_id: not found in models.csv (model_id) (value 'sanwie')"]),
    ('lower above value', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',139,140,139,')),
     ["observations.csv, row 2, column lower+value+upper: bounds out of order: need lower ≤ value ≤ upper (value '140.0 ≤ 139.0 ≤ 139.0')"]),
    ('value above upper', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',140,139,139,')),
     ["observations.csv, row 2, column lower+value+upper: bounds out of order: need lower ≤ value ≤ upper (value '139.0 ≤ 140.0 ≤ 139.0')"]),
    ('bounds against the rule', text_edit('observations', ',13000,13000,14000,at_least,', ',13000,13000,13100,at_least,'),
     ["observations.csv, row 36, column lower+upper: bounds do not follow the bound rule for qualifier 'at_least' (value '13000.0, 13100.0')"]),
    ('percentage as 0-100', text_edit('observations', ',0.9931,0.9931,0.9931,exact,', ',99.31,99.31,99.31,exact,'),
     ['observations.csv, row 63, column value: rate outside [0, 1]; it looks like a percentage: write 0.9931 for 99.31% (value 99.31)']),
    ('percentage divided twice', text_edit('observations', ',0.9931,0.9931,0.9931,exact,', ',0.009931,0.009931,0.009931,exact,'),
     ["observations.csv, row 63, column value: does not match raw '99.31%', which is 0.9931 as a fraction (value 0.009931)"]),
    ('negative rate', text_edit('observations', ',0.9931,0.9931,0.9931,exact,99.31%', ',-0.5,-0.5,-0.5,exact,-50%'),
     ['observations.csv, row 63, column value: rate outside [0, 1] (value -0.5)']),
    ('negative count', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',-139,-139,-139,')),
     ["observations.csv, row 2, column value: negative figure for an indicator of kind 'stock' (value -139.0)"]),
    ('unknown unit', text_edit('observations', ',139个,个,', ',139个,pcs,'),
     [f"observations.csv, row 2, column unit: not one of the allowed values {ALLOWED_UNITS} (value 'pcs')"]),
    ('unit that cannot count the indicator', text_edit('observations', ',139个,个,', ',139元,元,'),
     ["observations.csv, row 2, column unit: a measure word that cannot count what indicator 'party_organisations' counts (its unit is '个') (value '元')"]),
    ('unknown qualifier', text_edit('observations', OBS2, OBS2.replace(',exact,', ',roughly,')),
     ["observations.csv, row 2, column qualifier: not one of the allowed values ['exact', 'at_least', 'approx', 'range', 'open_above', 'open_below'] (value 'roughly')"]),
    ('negative offset', text_edit('observations', ',zzrb-20220117,433,', ',zzrb-20220117,-433,'), ["observations.csv, row 2, column offset: below the minimum 0 (value '-433')"]),
    ('period with slashes', text_edit('observations', ',2020-05,,,', ',2020/05,,,'),
     ["observations.csv, row 12, column period_start: does not match the pattern ^\\d{4}(-\\d{2}(-\\d{2})?)?$ (value '2020/05')"]),
    ('period ends before it starts', text_edit('observations', ',2023-01-01,2023-12-21,,随手拍小程序,,,,cswb-20231221,1254,', ',2023-01-01,2022-12-21,,随手拍小程序,,,,cswb-20231221,1254,'),
     ["observations.csv, row 62, column period_end: period ends before it starts (2023-01-01) (value '2022-12-21')"]),
    ('web page without its access date', lambda d: (d/'sources.csv').write_text('\n'.join(
        l.replace(',2026-11-23,', ',,', 1) if l.startswith('chinacom-20221213,') else l
        for l in (d/'sources.csv').read_text(encoding='utf-8').split('\n')), encoding='utf-8'),
     ['sources.csv, row 10, column accessed: a url needs the date it was accessed']),
    ('component not practised', text_edit('observations', OBS2, OBS2.replace(',sanwei_party,', ',szrh_law,')),
     ["observations.csv, row 2, column component: belongs to no model that case 'hetang' practises (see case_models.csv) (value 'szrh_law')"]),
    ('base from another case', text_edit('observations', ',hetang-02,zzrb-20220117,', ',wangcheng-10,zzrb-20220117,'),
     ["observations.csv, row 4, column base_obs_id: the base belongs to case 'wangcheng', not 'hetang' (value 'wangcheng-10')"]),
    ('case figure not printed', text_edit('cases', ',35800,', ',36000,'),
     ["cases.csv, row 7, column population: no observation of 'population' for this case prints this figure (value 36000)"]),
    ('family with a parent', text_edit('models', 'micro_grid,family,,', 'micro_grid,family,sanzhi_ronghe,'),
     ["models.csv, row 5, column parent_id: a family has no parent (value 'sanzhi_ronghe')"]),
    ('row with an extra field', text_edit('observations', OBS2, OBS2.replace(',139,139,139,', ',1,390,139,139,')),
     ['observations.csv, row 2: has 26 fields, the header has 25']),
    ('GB18030 file', reencode('cases', 'gb18030'), ["cases.csv: encoded in GB18030, not utf-8 as datapackage.json declares: re-save it as UTF-8 (value 'gb18030')"]),
    ('Big5 file', reencode('models', 'big5', s2t=True),
     ["models.csv: encoded in BIG5, not utf-8 as datapackage.json declares: re-save it as UTF-8 (value 'big5')"]),
    ('empty file', bytes_of('observations', b''), [None]),
    ('file of blank space', bytes_of('observations', b' \r\n\t' * 300_000), [None]),
    ('binary file', bytes_of('observations', b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR'), ['observations.csv: not a CSV text file: looks like a binary file, not text']),
    ('no datapackage.json', lambda d: (d/'datapackage.json').unlink(), [None]),
    ('descriptor names a missing file', lambda d: (d/'cases.csv').unlink(), ["datapackage.json, column resources: names cases.csv, which does not exist (value 'cases.csv')"]),
    ('descriptor is not JSON', lambda d: (d/'datapackage.json').write_text('{"resources": [', encoding='utf-8'), [None]),
    ('resource missing from descriptor', descriptor(lambda dp: dp['resources'].pop(4)), ["datapackage.json, column resources: no resource named 'indicators' (value 'indicators')"]),
]
EXPECT_START = {'empty file': 'observations.csv: empty file: expected a header row with the columns',
                'file of blank space': 'observations.csv: empty file: expected a header row with the columns',
                'no datapackage.json': 'datapackage.json: no datapackage.json in',
                'descriptor is not JSON': 'datapackage.json, row 1: not valid JSON: Expecting value (line 1, column 16)'}


def _hashes(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


@pytest.fixture
def pkg(tmp_path):
    d = tmp_path/'pkg'
    shutil.copytree(bundled_path(), d)
    return d


def run_validate(d):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = main(['validate', str(d)])
    return code, out.getvalue().splitlines(), err.getvalue()


def test_suite_is_large_enough():
    assert len({b[0] for b in BAD}) >= 30


@pytest.mark.parametrize('name,change,expected', BAD, ids=[b[0] for b in BAD])
def test_bad_input_reports_its_exact_problem(pkg, name, change, expected):
    change(pkg)
    before = _hashes(pkg)
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err, (lines, err)
    for want in expected:
        if want is None: assert any(l.startswith(EXPECT_START[name]) for l in lines), lines
        else: assert want in lines, '\n'.join(lines)
    assert _hashes(pkg) == before                              # validating never changes a file
    assert len(lines) <= 3, lines                              # one change, one problem (two at most for knock-on effects)


def test_bom_and_crlf_are_read_correctly(pkg):
    p = pkg/'cases.csv'
    p.write_bytes(b'\xef\xbb\xbf' + p.read_bytes().replace(b'\n', b'\r\n'))
    code, lines, err = run_validate(pkg)
    assert code == 0 and lines == [], lines
    assert load(pkg).cases.equals(load().cases)


def test_many_problems_are_printed_at_once(pkg):
    chosen = ['missing column', 'integer with a multiplier', 'date in another format', 'duplicate id', 'dangling indicator', 'negative offset']
    for name, change, _ in BAD:
        if name in chosen: change(pkg)
    code, lines, _ = run_validate(pkg)
    assert code == 1
    for name, _, expected in BAD:
        if name in chosen: assert expected[0] in lines, (name, lines)
    # and one knock-on effect: renaming hetang-02 leaves the base of hetang-03 dangling
    assert len(lines) == 7 and "observations.csv, row 4, column base_obs_id: not found in observations.csv (obs_id) (value 'hetang-02')" in lines


def test_command_exit_codes(pkg):
    exe = Path(sys.executable).parent/'govmodels'
    ok = subprocess.run([str(exe), 'validate', str(bundled_path())], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout == ''
    (pkg/'observations.csv').write_bytes(b'\x00\x01')
    bad = subprocess.run([str(exe), 'validate', str(pkg)], capture_output=True, text=True)
    assert bad.returncode == 1 and 'Traceback' not in bad.stderr and 'binary' in bad.stdout
    usage = subprocess.run([str(exe), 'validate'], capture_output=True, text=True)
    assert usage.returncode == 2


def test_rows_are_numbered_across_chunks(pkg):
    """The reader codes rows in chunks of 8,192: problems far down a long file keep their row numbers
    (the header is row 1; blank lines are skipped and not counted), and one bad row does not shift the others."""
    import csv
    rows = list(csv.reader(io.StringIO((pkg/'observations.csv').read_text(encoding='utf-8'))))
    header, body = rows[0], rows[1:]
    i_id, i_val, i_base = header.index('obs_id'), header.index('value'), header.index('base_obs_id')
    copies = []
    for k in range(70):                                        # 70 × 261 rows: three chunks
        for r in body:
            r = list(r)
            r[i_id] = r[i_id].replace('-', f'-{k:03d}', 1)
            if r[i_base]: r[i_base] = r[i_base].replace('-', f'-{k:03d}', 1)
            copies.append(r)
    copies[8191][i_val] = 'x1'                                 # last row of the first chunk: row 8193
    copies[8192] = copies[8192] + ['extra']                    # first row of the second chunk: row 8194
    copies[16500][i_val] = '1x'                                # third chunk: row 16502
    buf = io.StringIO(); w = csv.writer(buf, lineterminator='\n')
    w.writerow(header)
    for j, r in enumerate(copies):
        w.writerow(r)
        if j % 1000 == 0: buf.write('\n')                     # blank lines: skipped, not counted
    (pkg/'observations.csv').write_text(buf.getvalue(), encoding='utf-8')
    code, lines, err = run_validate(pkg)
    assert code == 1 and 'Traceback' not in err
    assert lines[:3] == ["observations.csv, row 8193, column value: expected a number (value 'x1')",
                         f'observations.csv, row 8194: has {len(header) + 1} fields, the header has {len(header)}',
                         "observations.csv, row 16502, column value: expected a number (value '1x')"], lines


# --- round trip and atomic save -------------------------------------------------------------------

def test_load_save_load_round_trip(tmp_path):
    ds = load()
    save(ds, tmp_path/'a')
    again = load(tmp_path/'a')
    for t in ds.tables(): assert again.tables()[t].equals(ds.tables()[t]), t


def test_save_never_overwrites_unasked_and_is_atomic(tmp_path, monkeypatch):
    import os
    ds = load()
    save(ds, tmp_path/'a')
    before = _hashes(tmp_path/'a')
    from govmodels.files import FileError
    with pytest.raises(FileError, match='exists'): save(ds, tmp_path/'a')
    assert _hashes(tmp_path/'a') == before                     # refused: the folder is untouched
    real = os.replace
    def interrupted(a, b):
        if Path(b).name == 'a': raise KeyboardInterrupt
        return real(a, b)
    monkeypatch.setattr(os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt): save(ds, tmp_path/'a', force=True)
    monkeypatch.setattr(os, 'replace', real)
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers in (['a'], ['.a.old', 'a']) or all(n in ('a', '.a.old') for n in leftovers), leftovers
    assert not any(n.startswith('.a.') and n != '.a.old' for n in leftovers)    # no half-written temporary folder


# --- fuzzing -------------------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ORIGINAL = {t: (bundled_path()/f'{t}.csv').read_bytes() for t in ('observations', 'cases', 'sources')}


@FUZZ
@given(st.sampled_from(sorted(ORIGINAL)), st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda s: s.encode('utf-8'))))
def test_random_content_never_crashes_the_loader(tmp_path_factory, table, data):
    d = tmp_path_factory.mktemp('fz')/'pkg'
    shutil.copytree(bundled_path(), d)
    (d/f'{table}.csv').write_bytes(data)
    probs = validate(d)
    assert len(probs) >= 1 or data == ORIGINAL[table]
    try: load(d)
    except DataError: pass


@FUZZ
@given(st.sampled_from(sorted(ORIGINAL)), st.floats(0, 1))
def test_truncated_files_never_crash_the_loader(tmp_path_factory, table, frac):
    d = tmp_path_factory.mktemp('tr')/'pkg'
    shutil.copytree(bundled_path(), d)
    data = ORIGINAL[table]
    (d/f'{table}.csv').write_bytes(data[: int(len(data) * frac)])
    validate(d)
    try: load(d)
    except DataError: pass


# --- random descriptor shapes ----------------------------------------------------------------------

DESCRIPTOR = json.loads((bundled_path()/'datapackage.json').read_text(encoding='utf-8'))


def _key_paths(obj, prefix=()):
    "Every key path in a JSON value: ('resources', 1, 'schema', 'fields', 0, 'type'), …"
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield prefix + (k,)
        yield from _key_paths(v, prefix + (k,))


KEY_PATHS = list(_key_paths(DESCRIPTOR))
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(KEY_PATHS), JSON_VALUES), min_size=1, max_size=3))
def test_random_descriptor_shapes_never_crash_the_loader(tmp_path_factory, edits):
    "Any value of any JSON type at any place of datapackage.json: validate lists problems (or none), load raises only DataError."
    import copy
    d = tmp_path_factory.mktemp('dsc')/'pkg'
    shutil.copytree(bundled_path(), d)
    desc = copy.deepcopy(DESCRIPTOR)
    for path, value in edits:
        node = desc
        try:
            for k in path[:-1]: node = node[k]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError): pass            # an earlier edit removed the place
    (d/'datapackage.json').write_text(json.dumps(desc, ensure_ascii=False), encoding='utf-8')
    validate(d)
    try: load(d)
    except DataError: pass
