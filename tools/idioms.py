"""Write govmodels/numeral_idioms.txt: the idioms of JioNLP's dictionary that hold a Chinese numeral (千家万户, 三番五次), one per line.

`govmodels.text` reads a numeral inside one of them as part of a word, not as a figure. The list is derived data, kept in git so that
the core package needs no JioNLP; run this again to refresh it (it needs the [places] extra: pip install "govmodels[places]"):

    python tools/idioms.py
"""
import re, sys
from pathlib import Path

NUMERALS = re.compile('[一二两三四五六七八九十百千万亿]')
OUT = Path(__file__).resolve().parent.parent / 'govmodels' / 'numeral_idioms.txt'


def main():
    try: import jionlp
    except ImportError: sys.exit('tools/idioms.py: needs jionlp (pip install "govmodels[places]")')
    src = Path(jionlp.__file__).parent / 'dictionary' / 'chinese_idiom.txt'
    words = {line.split('\t')[0].strip() for line in src.read_text(encoding='utf-8').splitlines()}
    keep = sorted(w for w in words if NUMERALS.search(w) and re.fullmatch(r'[\u4e00-\u9fff]{3,8}', w))
    head = [f'# Idioms holding a Chinese numeral, from the idiom dictionary of JioNLP {jionlp.__version__}',
            '# (https://github.com/dongrixinyu/JioNLP, Apache License 2.0; dictionary/chinese_idiom.txt), written by tools/idioms.py.',
            f'# {len(keep)} idioms, one per line.']
    tmp = OUT.with_suffix('.tmp')
    tmp.write_text('\n'.join(head + keep) + '\n', encoding='utf-8')
    tmp.replace(OUT)
    print(f'{OUT}: {len(keep)} idioms')


if __name__ == '__main__':
    main()
