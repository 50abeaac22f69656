"""Property tests of normalize_text's substitutions against a per-character reference written here (not by the code under test)."""
import re
import numpy as np
from hypothesis import given, settings, strategies as st

from govmodels.text import _substitute, _PINYIN, normalize_text

def reference_delete(pattern, text, attach):
    "Delete every match character by character; with `attach`, the last kept character's end grows to cover what follows it."
    keep = [True] * len(text)
    for m in pattern.finditer(text):
        for i in range(*m.span()): keep[i] = False
    out, starts, ends = [], [], []
    for i, c in enumerate(text):
        if keep[i]: out.append(c); starts.append(i); ends.append(i + 1)
        elif attach and ends: ends[-1] = i + 1
    return ''.join(out), starts, ends

pieces = st.sampled_from(['現', '在', '有', '網', '格', '(xiàn)', '(zài)', '(de)', '(wǎng)', '(gé)', '(abc)', '(', ')', '3', '.', '5', '萬', '(wàn)', ' ', '\n', 'x'])

@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=60).map(''.join), st.booleans())
def test_deleting_annotations_matches_the_reference(text, attach):
    n = len(text)
    t, s, e = _substitute(_PINYIN, '', text, np.arange(n), np.arange(1, n + 1), attach=attach)
    rt, rs, re_ = reference_delete(_PINYIN, text, attach)
    assert t == rt and s.tolist() == rs and e.tolist() == re_

def test_annotated_figure_keeps_its_annotations_in_raw_span():
    text = '現(xiàn)有(yǒu)網(wǎng)格(gé)93個(gè)'
    nz = normalize_text(text)
    assert nz.text == '现有网格93个'
    i = nz.text.index('93')
    a, b = nz.span(i, i + 3)                       # 93個 and the annotation of 個
    assert text[a:b] == '93個(gè)'
    assert text[slice(*nz.span(0, 1))] == '現(xiàn)'
