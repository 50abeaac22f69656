"""Throughput of govmodels.text (normalize_text + extract) on a generated corpus, side by side with
(a) a bare `re.finditer(r"\\d+")` scan of the same text, the floor no extractor can beat, and
(b) a naive pipeline: jieba segmentation, then cn2an on every token (timed on a sample: it is slow).

The corpus (>= 20 MB of UTF-8) is recombined, with a fixed seed, from sentence templates written for
this benchmark in the style of grassroots-governance reports: mostly Simplified, about one document
in six in Traditional script with pinyin annotations, a few damaged characters and layout breaks.
Each document mixes 0-2 sentences full of figures (one on average) with 10-12 sentences of prose, so that the corpus
has about as many figures per kilobyte as the five archived articles (about 5 candidates per KB;
printed for comparison when GOVMODELS_SOURCE_DIR is set). Throughput depends on that density:
the per-figure work is Python, the scan between figures is the regex engine's.

A second corpus has the layout of real web copies (`layout_corpus`): hard-wrapped paragraphs (lines of 28-34
characters), tables flattened to one cell per line, and page furniture (publication stamps, page counters,
sources, timestamps); its throughput and density are printed beside the first. With --rss, one generated
article of --rss-mb megabytes goes through `govmodels extract` in a child process, and its peak RSS is
printed beside that of a child that only imports govmodels (the floor no input can go below), and without the gazetteer.
With GOVMODELS_SOURCE_DIR set, the five archived sources, repeated, are timed too: real text at exactly their density.

    python benchmarks/bench_extract.py [--mb 20] [--seed 0] [--rss] [--rss-mb 50]

Last line: mb_per_s=<x> ratio_to_bare_scan=<x/floor> speedup_vs_naive=<x/naive> layout_mb_per_s=<y> [archived_mb_per_s=<a>]
[rss_per_input_mb=<r> rss_per_input_mb_no_gazetteer=<r0>]
"""
import argparse, random, re, sys, time

from govmodels.text import extract

TEMPLATES = [
    '自{year}年{month}月起,{place}以{a}至{b}户为一格重新划分,现有网格{n}个,专职网格员{m}名,楼栋长{k}{q}名。',
    '{place}的线上平台本年度受理居民诉求{n}条,按期办结的占{pct}%。',
    '全年{place}响应各类哨单:便民哨{n}个,热线转办{m}个,重点攻坚{k}个。',
    '{place}现有小区党支部{n}个,联系小区{m}个,党群服务点{k}个。',
    '{place}的{n}支志愿队伍全年服务{m}{q}场次,惠及{w}万{q}人次。',
    '{place}下辖社区{n}个、行政村{k}个,面积{area}平方公里,户籍人口{w}万人。',
    '全年共发现隐患{n}条,调处纠纷{m}起,调解成功率{pct}%,印发法律手册{k}{q}份。',
    '{place}园区去年实现产值{n}多亿元,农户人均增收{m}元以上,近{k}家企业入驻。',
    '一是夯实网格基础,二是完善三级联动,第一网格长带头走访。',
    '大家表示,要把服务做到居民心坎上,让邻里之间更加和睦。',
    '“有事找网格员,已经成了大家的习惯。”居民笑着说。',
]
TRADITIONAL = [
    '{place}現(xiàn)有網(wǎng)格{n}個(gè),專職網(wǎng)格員{m}名,印發(fā)手冊{k}余份。',
    '本年度平臺(tái)受理訴求{n}條,調(diào)處糾紛{m}余件。',
    '三年間志願隊(duì)伍服務(wù){n}余場(chǎng)次,惠及居民{w}萬(wàn)余人。',
    '?024年{month}月,網(wǎng)格員上門走訪,?月{day}日問題辦結(jié)。',
]
PROSE = [
    '会议强调,要坚持和发展新时代枫桥经验,把矛盾纠纷化解在基层、解决在萌芽状态。',
    '社区党委书记介绍,小区议事会每月召开一次,居民有事可以当面商量。',
    '网格员每天走街串巷,收集社情民意,第一时间把问题反映到街道。',
    '近年来,当地坚持党建引领,整合各方资源,探索出一条精细化治理的新路子。',
    '“以前遇到问题不知道找谁,现在一个电话就有人上门。”一位老党员说。',
    '街道还组织法律顾问进小区,为群众提供咨询服务,引导大家依法表达诉求。',
    '下一步,该区将继续完善平台功能,推动数据共享,让群众办事少跑腿。',
    '物业公司、业主委员会和社区居委会定期碰头,协商解决停车难、充电难等问题。',
    '志愿者们还为独居老人送去米面油,帮助打扫卫生,陪他们拉家常。',
    '评选活动引导居民崇德向善,邻里关系更加和睦,社区氛围更加温馨。',
    '相关负责人表示,将把群众满意度作为检验工作成效的重要标准。',
    '该项目由街道牵头实施,资金由区财政予以保障,预计年底前完工。',
]
PLACES = ['某街道', '东城社区', '河西镇', '城南区', '新塘村', '下游街道', '北湖社区', '山前镇']


def fill(tpl, rnd):
    return tpl.format(year=rnd.randint(2015, 2025), month=rnd.randint(1, 12), day=rnd.randint(1, 28), place=rnd.choice(PLACES),
                      a=rnd.choice([5, 100, 200, 300]), b=rnd.choice([15, 200, 400, 500]), n=rnd.randint(2, 20000),
                      m=rnd.randint(2, 9000), k=rnd.randint(2, 3000), q=rnd.choice(['', '余', '多']),
                      pct=f'{rnd.uniform(90, 100):.2f}', w=f'{rnd.uniform(1, 9):.2f}', area=f'{rnd.uniform(5, 60):.2f}')


def corpus(mb, seed=0):
    "Documents of 8-20 sentences, joined until the UTF-8 size reaches `mb` megabytes."
    rnd, docs, size = random.Random(seed), [], 0
    while size < mb * 1e6:
        trad = rnd.random() < 1 / 6
        pool = TRADITIONAL if trad else TEMPLATES
        sents = [fill(rnd.choice(pool), rnd) for _ in range(rnd.choice((0, 1, 1, 2)))] + rnd.sample(PROSE, rnd.randint(10, 12))
        rnd.shuffle(sents)
        if rnd.random() < 0.3:                       # a page-layout break inside a long sentence
            i = rnd.randrange(len(sents)); s = sents[i]; cut = len(s) // 2; sents[i] = s[:cut] + '\n\n' + s[cut:]
        doc = '\n'.join(sents) + '\n\n'
        docs.append(doc); size += len(doc.encode('utf-8'))
    return docs


FURNITURE = ['发布时间：{year}-{month:02d}-{day:02d} {hh:02d}:{mm:02d}  浏览次数：{n}', '第{k}页 共{m}页', '来源：{place}融媒体中心',
             '【字体：大 中 小】 【打印本页】', '{year}/{month}/{day} {hh}:{mm:02d}']
TABLE_HEAD = ['镇街 | 网格数 | 网格员数 |', '单位 | 受理（件） | 办结率 |', '村（社区） | 户数 | 人口 |']


def _wrap(text, rnd):
    "Hard-wrap a paragraph at 28-34 characters, as a PDF or a fixed-width web copy does."
    out, i = [], 0
    while i < len(text):
        w = rnd.randint(28, 34); out.append(text[i:i + w]); i += w
    return '\n'.join(out)


def layout_corpus(mb, seed=0):
    "Documents laid out like real web copies: wrapped paragraphs, one-cell-per-line tables, page furniture."
    rnd, docs, size = random.Random(seed + 1), [], 0
    while size < mb * 1e6:
        f = lambda t: t.format(year=rnd.randint(2015, 2025), month=rnd.randint(1, 12), day=rnd.randint(1, 28), hh=rnd.randint(0, 23),
                               mm=rnd.randint(0, 59), n=rnd.randint(10, 9000), k=rnd.randint(1, 3), m=rnd.randint(3, 5), place=rnd.choice(PLACES))
        parts = [f(rnd.choice(FURNITURE))]
        for _ in range(rnd.randint(3, 5)):
            sents = [fill(rnd.choice(TEMPLATES), rnd) for _ in range(rnd.choice((0, 1, 1)))] + rnd.sample(PROSE, rnd.randint(3, 4))
            rnd.shuffle(sents)
            para = ''.join(sents)
            parts.append(_wrap(para, rnd) if rnd.random() < 0.5 else para)
        if rnd.random() < 0.3:
            rows = [rnd.choice(TABLE_HEAD)] + [x for _ in range(rnd.randint(2, 5)) for x in
                                               (rnd.choice(PLACES) + ' |', f'{rnd.randint(5, 900)} |', f'{rnd.uniform(90, 100):.1f}% |')]
            parts.insert(rnd.randint(1, len(parts)), '\n'.join(rows))
        parts.append(f(rnd.choice(FURNITURE)))
        doc = '\n'.join(parts) + '\n\n'
        docs.append(doc); size += len(doc.encode('utf-8'))
    return docs


def rss_of_extract(mb, seed=0):
    """Peak RSS (MB) of `govmodels extract` on one generated article of `mb` megabytes, with the gazetteer as installed and without it,
    and of children that only import govmodels, or import it and load the gazetteer. Each child reports its own high-water mark
    (VmHWM): ru_maxrss would carry the parent's peak across the child's exec on Linux (it read 240 MB for a bare import here)."""
    import shutil, subprocess, tempfile
    from pathlib import Path
    d = Path(tempfile.mkdtemp())
    try:
        (d / 'big.txt').write_text(''.join(corpus(mb, seed)), encoding='utf-8')
        size = (d / 'big.txt').stat().st_size / 1e6
        hwm = "\nprint([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
        def peak(code):
            r = subprocess.run([sys.executable, '-c', code + hwm], capture_output=True, text=True, cwd=d, check=True)
            return int(r.stdout.split()[-1]) / 1024
        run = "from govmodels.corpus import extract_corpus; extract_corpus(['big.txt'], out='c.csv', progress=False, force=True)"
        imports = peak('import govmodels.cli, govmodels.corpus')
        gazetteer = peak("import govmodels.cli, govmodels.corpus; govmodels.corpus.places('浙江省杭州市')")
        ours = peak(run)
        bare = peak('import govmodels.corpus; govmodels.corpus._GAZETTEER = False; ' + run)   # as without the [places] extra
        return size, imports, gazetteer, ours, bare
    finally:
        shutil.rmtree(d, ignore_errors=True)


def chunks(docs, target=1_000_000):
    "Documents grouped into texts of about `target` characters (a batch per extract call)."
    out, cur, n = [], [], 0
    for d in docs:
        cur.append(d); n += len(d)
        if n >= target: out.append(''.join(cur)); cur, n = [], 0
    if cur: out.append(''.join(cur))
    return out


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return min(times)


def hard_wrapped() -> str:
    "normalize_text on hard-wrapped text without sentence punctuation (30-character lines), 2,000 and 8,000 lines: times and growth exponent."
    import math
    from govmodels.text import normalize_text
    line = '街道网格员走访居民共计收集问题并及时上报处理'
    times = {}
    for n in (2000, 8000):
        t = '\n'.join(line[:25] + str(i % 10) * 5 for i in range(n))
        t0 = time.perf_counter(); normalize_text(t); times[n] = time.perf_counter() - t0
    return (f'hard-wrapped normalize: 2,000 lines {times[2000]:.3f} s, 8,000 lines {times[8000]:.3f} s, '
            f'growth exponent {math.log(times[8000] / times[2000]) / math.log(4):.2f}')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--mb', type=float, default=20.0); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--naive-mb', type=float, default=0.3, help='size of the sample the naive pipeline is timed on')
    p.add_argument('--rss', action='store_true', help='also measure the peak RSS of govmodels extract on one long article')
    p.add_argument('--rss-mb', type=float, default=50.0, help='size of that article')
    a = p.parse_args(argv)
    docs = corpus(a.mb, a.seed)
    texts = chunks(docs)
    text = ''.join(texts)
    mb = len(text.encode('utf-8')) / 1e6
    print(f'corpus: {mb:.1f} MB, {len(text):,} characters, {len(docs):,} documents, {len(texts)} batches', file=sys.stderr)

    digits = re.compile(r'\d+')
    t_floor = best_of(lambda: sum(1 for _ in digits.finditer(text)), 3)
    n_rows = [0]
    def run(): n_rows[0] = sum(len(extract(t)) for t in texts)
    t_ours = best_of(run, 3)
    ltexts = chunks(layout_corpus(a.mb, a.seed))
    lmb = sum(len(t.encode('utf-8')) for t in ltexts) / 1e6
    l_rows = [0]
    def run_layout(): l_rows[0] = sum(len(extract(t)) for t in ltexts)
    t_layout = best_of(run_layout, 3)

    import jieba, cn2an
    jieba.setLogLevel(60); jieba.initialize()
    sample = text[: int(len(text) * a.naive_mb / mb)]
    sample_mb = len(sample.encode('utf-8')) / 1e6
    def naive():
        found = []
        for tok in jieba.lcut(sample):
            try: found.append(cn2an.cn2an(tok, 'smart'))
            except Exception: pass
        return found
    t_naive = best_of(naive, 1)

    ours, floor, slow = mb / t_ours, mb / t_floor, sample_mb / t_naive
    density = n_rows[0] / (mb * 1000)
    import os
    from pathlib import Path
    seeds = os.environ.get('GOVMODELS_SOURCE_DIR')
    archived = None
    if seeds:
        files = sorted(Path(seeds).glob('*.txt'))
        n = sum(len(extract(f.read_text(encoding='utf-8'))) for f in files)
        kb = sum(f.stat().st_size for f in files) / 1000
        print(f'density: corpus {density:.1f} candidates/KB; the archived sources {n / kb:.1f} candidates/KB', file=sys.stderr)
        # the archived sources themselves, repeated to about 1 MB a batch and --mb / 5 in all: real text at exactly their density
        one = '\n\n'.join(f.read_text(encoding='utf-8') for f in files) + '\n\n'
        batch = one * max(1, round(1e6 / len(one.encode('utf-8'))))
        reps = max(1, round(a.mb / 5 / (len(batch.encode('utf-8')) / 1e6)))
        t_arch = best_of(lambda: [extract(batch) for _ in range(reps)], 3)
        archived = reps * len(batch.encode('utf-8')) / 1e6 / t_arch
        print(f'the archived sources, repeated ({reps * len(batch.encode("utf-8")) / 1e6:.1f} MB, {n / kb:.1f} candidates/KB): {archived:.1f} MB/s, '
              f'ratio to the bare scan {archived / floor:.3f}', file=sys.stderr)
    print(f'normalize+extract: {ours:.1f} MB/s ({n_rows[0]:,} candidates, {n_rows[0] / t_ours:,.0f}/s); bare \\d+ scan: {floor:.1f} MB/s; '
          f'jieba+cn2an: {slow:.3f} MB/s on a {sample_mb:.2f} MB sample', file=sys.stderr)
    lay = lmb / t_layout
    print(f'real layout (wraps, tables, page furniture): {lay:.1f} MB/s, {l_rows[0] / (lmb * 1000):.1f} candidates/KB, '
          f'ratio to the bare scan {lay / floor:.3f}', file=sys.stderr)
    print(hard_wrapped(), file=sys.stderr)
    last = f'mb_per_s={ours:.2f} ratio_to_bare_scan={ours / floor:.3f} speedup_vs_naive={ours / slow:.1f} layout_mb_per_s={lay:.2f}'
    if archived: last += f' archived_mb_per_s={archived:.2f}'
    if a.rss:
        size, base, gaz, peak, bare = rss_of_extract(a.rss_mb, a.seed)
        print(f'govmodels extract on one {size:.0f} MB article: peak RSS {peak:.0f} MB ({peak / size:.1f}x the input); without the gazetteer '
              f'{bare:.0f} MB ({bare / size:.1f}x). Children that only import govmodels: {base:.0f} MB; that also load the gazetteer (place '
              f'names, once per run, whatever the input): {gaz:.0f} MB. Above the imports the article adds {bare - base:.0f} MB '
              f'({(bare - base) / size:.1f}x the input) without the gazetteer', file=sys.stderr)
        last += f' rss_per_input_mb={peak / size:.2f} rss_per_input_mb_no_gazetteer={bare / size:.2f}'
    print(last)


if __name__ == '__main__':
    main()
