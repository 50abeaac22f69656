"The development set itself: large enough, split as declared, and naming only indicators of the codebook."
from pathlib import Path

import pandas as pd
import pytest

from govmodels.data import load
from govmodels.devset import read_devset, held_out, DEVSET_KINDS

DEVSET = Path(__file__).parent / 'data' / 'devset.txt'


@pytest.fixture(scope='module')
def devset():
    return read_devset(DEVSET)


def test_size_and_split(devset):
    records, ann = devset
    q = ann[ann.kind == 'quantity']
    assert len(q) >= 300                                        # the issue's floor: 300 annotated figures
    share = q.id.map(records.set_index('id').part).eq('held-out').mean()
    assert 0.3 <= share <= 0.37                                 # a third kept aside
    assert records.part.eq('held-out').tolist() == [held_out(i) for i in records.id]


def test_indicators_are_the_codebook(devset):
    _, ann = devset
    codes = set(load().indicators.code)
    named = set(ann.indicator.dropna())
    assert named <= codes, sorted(named - codes)
    assert set(ann.kind) <= set(DEVSET_KINDS)


def test_every_phenomenon_has_records(devset):
    "Each family of non-figures and damage of issue 13 is annotated at least once, in each part where it says so."
    records, ann = devset
    text = '\n'.join(records.text)
    for needle in ('〔2021〕', '7×24', '20xx', '80后', '60号院', '“1234”', '1 2 3 4 5', '第1页', '0时', '十九大', '每10万', '九台', '万家',
                   '千条线', '2024/8/16', '八成', '近六成', '六分之一', '不到', '未满', '以下', '低于', '至255户', '一两名', '三五个',
                   '十二年', '六片', '：专职', '0.512', '下降到', '提高，二季度达', '304 .9', '6.1个', 'volunteers', '１２支'):
        assert needle in text, needle
    assert (ann.kind == 'damaged').sum() >= 4 and (ann.kind == 'latin').sum() >= 4


def test_development_part_floors(devset):
    """Regression floors on the development part (d001-d4117: measured 0.990 recall, 0.69 false per 2,000 characters, coverage 0.876, precision 0.80).
    The ninth part (d1958-d3037) joined it after its scoring: its sentences are told as stories, so its recall (0.98) and its suggestions
    (0.75 right) pull the part down; the tenth part (d3038-d4117, 0.72 right when held out) joined it in session 14 without a round
    of suggestion rules, so the precision floor is 0.79 (it was 0.83 on d001-d3037)."""
    from govmodels.devset import devset_summary
    records, ann = devset
    s = devset_summary(records, ann).loc['development']
    assert s.recall >= 0.98 and s['false per 2,000 chars'] <= 1.0
    assert s['damaged flagged'] == s.damaged and s['non-figures read as figures'] == 0
    assert s.coverage >= 0.86 and s.precision >= 0.79


def test_held_out_recall_meets_the_issue(devset):
    "Figure recall on the held-out part is the issue's bar (0.95); the other held-out measures are reported in notebook 04c, not asserted."
    from govmodels.devset import devset_summary
    records, ann = devset
    assert devset_summary(records, ann).loc['held-out', 'recall'] >= 0.95
