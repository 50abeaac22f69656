"""`govmodels extract`: encodings, errors, atomic output, and the five sources end to end."""
import os, subprocess, sys
from pathlib import Path

import pandas as pd
import pytest

from govmodels.data import Dataset, load, verify
from govmodels.files import write_text_atomic, FileError
from govmodels.text import to_observations

GOVMODELS = Path(sys.executable).parent/'govmodels'


def run(*args):
    return subprocess.run([str(GOVMODELS), *args], capture_output=True, text=True)


def test_encodings_are_detected(tmp_path):
    (tmp_path/'g.txt').write_bytes('全街道共有志愿者860名。'.encode('gb18030'))
    (tmp_path/'b.txt').write_bytes('全街道共有志願者860名。'.encode('big5'))
    (tmp_path/'u.txt').write_bytes('\ufeff全街道共有志愿者860名。'.encode('utf-8'))
    r = run('extract', *(str(tmp_path/f) for f in ('g.txt', 'b.txt', 'u.txt')))
    assert r.returncode == 0, r.stderr
    from io import StringIO
    c = pd.read_csv(StringIO(r.stdout))
    assert c.value.tolist() == [860] * 3 and c.encoding.tolist() == ['gb18030', 'big5', 'utf-8']


@pytest.mark.parametrize('content,words', [(b'\x00\x01\x02binary', 'binary'), (b'\xff\xfe\xfd\xfc\x80\x81' * 3, 'cannot decode')])
def test_unreadable_input_is_one_clear_line(tmp_path, content, words):
    (tmp_path/'x.dat').write_bytes(content)
    r = run('extract', str(tmp_path/'x.dat'))
    assert r.returncode == 1 and words in r.stderr and 'x.dat' in r.stderr and 'Traceback' not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_english_is_reported_not_misread(tmp_path):
    """An English file is not read and the last line says so; a Chinese article with an English summary keeps its
    Chinese figures, and the numbers of the summary come out as kind 'latin' with no value (not 3 and 0 for 3,000)."""
    (tmp_path/'en.txt').write_text('The district trained 3,000 volunteers and spent 2 million yuan on its grid system in 2023.', encoding='utf-8')
    (tmp_path/'zh.txt').write_text('街道共划分微网格128个，配备专兼职网格员260余名，全年化解矛盾纠纷430件。'
                                   'Summary: the street set up 128 micro-grids with 3,000 residents each.', encoding='utf-8')
    r = run('extract', str(tmp_path/'en.txt'), str(tmp_path/'zh.txt'), '--out', str(tmp_path/'c.csv'))
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1].endswith('; 1 not read (not Chinese: see the language column of the document table)')
    c = pd.read_csv(tmp_path/'c.csv')
    docs = pd.read_csv(tmp_path/'c.documents.csv').set_index('doc_id')
    assert docs.loc['en', 'language'] == 'other' and docs.loc['en', 'candidates'] == 0
    zh = c[c.source_id == 'zh']
    assert zh[zh.kind == 'quantity'].raw.tolist() == ['128个', '260余名', '430件']
    latin = zh[zh.kind == 'latin']
    assert latin.raw.tolist() == ['128', '3', '000'] and latin.value.isna().all()

def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    name = os.fsdecode(b'\xff\xfe\xe7\xbd\x91.txt')               # two stray bytes, then 网
    (tmp_path/name).write_text('全县配备网格员360名。', encoding='utf-8')
    r = run('extract', str(tmp_path), '--out', str(tmp_path/'c.csv'))
    assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr
    c = pd.read_csv(tmp_path/'c.csv')
    assert c.source_id.tolist() == ['\\xff\\xfe网'] and c.value.tolist() == [360]

def test_missing_file_and_existing_output(tmp_path):
    r = run('extract', str(tmp_path/'nope.txt'))
    assert r.returncode == 1 and 'no such file' in r.stderr
    (tmp_path/'a.txt').write_text('网格员52名。', encoding='utf-8')
    (tmp_path/'out.csv').write_text('keep me', encoding='utf-8')
    r = run('extract', str(tmp_path/'a.txt'), '--out', str(tmp_path/'out.csv'))
    assert r.returncode == 1 and 'exists' in r.stderr
    assert (tmp_path/'out.csv').read_text(encoding='utf-8') == 'keep me'
    assert run('extract', str(tmp_path/'a.txt'), '--out', str(tmp_path/'out.csv'), '--force').returncode == 0
    assert pd.read_csv(tmp_path/'out.csv').raw.tolist() == ['52名']


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path/'out.csv'
    target.write_text('old', encoding='utf-8')
    def boom(*a, **k): raise KeyboardInterrupt
    monkeypatch.setattr(os, 'replace', boom)
    with pytest.raises(KeyboardInterrupt): write_text_atomic(target, 'new', force=True)
    assert target.read_text(encoding='utf-8') == 'old' and [p.name for p in tmp_path.iterdir()] == ['out.csv']


@pytest.mark.skipif(not os.environ.get('GOVMODELS_SOURCE_DIR'), reason='GOVMODELS_SOURCE_DIR is not set: the five source texts are needed')
def test_five_sources_end_to_end(tmp_path):
    "Extract the five sources with the command, accept every clean figure with an indicator, and verify the locators."
    seeds = Path(os.environ['GOVMODELS_SOURCE_DIR'])
    ds = load()
    files = [seeds/f for f in ds.sources.text_file.dropna()]                  # the archived texts; web sources have none
    out = tmp_path/'candidates.csv'
    r = run('extract', *map(str, files), '--out', str(out))
    assert r.returncode == 0, r.stderr
    c = pd.read_csv(out, dtype={'raw': str, 'unit': str})
    arch = ds.sources[ds.sources.text_file.notna()]
    sid = dict(zip(arch.text_file.str.removesuffix('.txt'), arch.source_id))
    accepted = c[(c.kind.isin(['quantity', 'year', 'date'])) & ~c.damaged & c.indicator.notna() & c.unit.isin(
        ['个', '名', '户', '条', '件', '场次', '人', '人次', '份', '起', '支', '家', '期', '栋', '座', '元', '平方公里', '年', '项', '%'])]
    assert len(accepted) > 60
    obs = pd.concat([to_observations(g, 'review', source_id=sid[s], first_number=1 + 1000 * i)
                     for i, (s, g) in enumerate(accepted.groupby('source_id'))], ignore_index=True)
    review = Dataset(sources=ds.sources, cases=ds.cases, models=ds.models, case_models=ds.case_models,
                     indicators=ds.indicators, observations=obs)
    bad = verify(review, seeds)
    assert bad.empty, bad.head().to_string()


from hypothesis import given, settings, strategies as st  # noqa: E402
from govmodels.files import decode_bytes  # noqa: E402
from govmodels.text import extract  # noqa: E402


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=200).map(lambda s: s.encode('gb18030', errors='ignore'))),
       st.floats(0, 1))
def test_random_and_truncated_bytes_never_crash_reading_and_extraction(data, frac):
    "Whatever the bytes (random, or GB18030 text cut anywhere), reading fails only with FileError and extraction never fails."
    for chunk in (data, data[: int(len(data) * frac)]):
        try: text, _ = decode_bytes(chunk, 'x.txt')
        except FileError: continue
        c = extract(text)
        assert all(text[s:e] == r for s, e, r in zip(c.start, c.end, c.raw))


def test_a_long_article_is_read_in_segments_and_streamed(tmp_path, monkeypatch):
    "A text longer than SEGMENT_CHARS is read segment by segment and written in parts: the rows equal those of the whole text read at once."
    import govmodels.corpus as corpus
    from govmodels.text import SEGMENT_CHARS, normalize_text
    para = ['全镇划分网格93个，配备专职网格员186名，今年以来受理诉求1.2万余件，办结率99.3%。',
            '網格員每天走訪居民，收集問題300多條。', '社区党委下设党支部5个\n共有党员286名，其中“80后”党员42名。', '第1页 共5页']
    text = '\n'.join(para[i % len(para)] + f'（{i}）' for i in range(SEGMENT_CHARS // 25))
    assert len(text) > SEGMENT_CHARS
    (tmp_path / 'long.txt').write_text(text, encoding='utf-8')
    monkeypatch.setattr(corpus, 'PART_ROWS', 1000)                     # many parts, so the streaming path is exercised
    corpus.extract_corpus([str(tmp_path / 'long.txt')], out=str(tmp_path / 'c.csv'), progress=False)
    got = pd.read_csv(tmp_path / 'c.csv', dtype={'raw': str})
    whole = extract(text, 'long', normalized=normalize_text(text))   # one normal form of the whole text: no segments
    assert len(got) == len(whole) > 10_000
    assert got.start.tolist() == whole.start.tolist() and got.raw.tolist() == whole.raw.tolist()
    assert got.value.fillna(-1).tolist() == whole.value.fillna(-1).tolist()
    docs = pd.read_csv(tmp_path / 'c.documents.csv')
    assert docs.candidates.tolist() == [len(whole)]


@pytest.mark.parametrize('second_file', [False, True])
def test_a_document_id_used_twice_is_refused(tmp_path, second_file):
    "Ids must be unique across the inputs: within one batch, and across batches and files (checked against every id seen so far)."
    import json
    import govmodels.corpus as corpus
    rows = [{'id': f'd{i}', 'text': f'全镇划分网格{i + 3}个。'} for i in range(40)]
    again = [{'id': 'd7', 'text': '配备网格员12名。'}]
    a, b = tmp_path / 'a.jsonl', tmp_path / 'b.jsonl'
    a.write_text('\n'.join(json.dumps(r, ensure_ascii=False) for r in rows + ([] if second_file else again)) + '\n', encoding='utf-8')
    b.write_text('\n'.join(json.dumps(r, ensure_ascii=False) for r in (again if second_file else [{'id': 'e1', 'text': '共有党员5名。'}])) + '\n', encoding='utf-8')
    with pytest.raises(corpus.CorpusError, match="document id 'd7' is used twice"):
        corpus.extract_corpus([str(a), str(b)], out=str(tmp_path / 'c.csv'), progress=False, batch_bytes=200)   # many small batches
    assert not (tmp_path / 'c.csv').exists() and list(tmp_path.glob('.*tmp')) == []                              # nothing left behind
