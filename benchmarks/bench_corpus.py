"""Corpus extraction at scale: a generated JSONL corpus (>= 200 MB) through `govmodels.corpus.extract_corpus` on one
process, then on a local Dask cluster of 1 and of 2 worker processes, side by side in one run.

The corpus is recombined with a fixed seed from the sentence templates of bench_extract.py (our own sentences in the style
of county bulletins: about one document in six Traditional with pinyin annotations, damaged characters, page-layout breaks),
with a place chain at the head of each document (so the gazetteer has something to read), hard-wrapped paragraphs in one
document in ten and a flattened table (one cell per line) in one in twenty, plus metadata columns (id, url, outlet, date, title).
Each run is a separate process, so that its peak memory is its own: the driver's peak RSS is the process that reads and
writes; the workers' is the largest worker process.

    python benchmarks/bench_corpus.py [--mb 200] [--seed 0] [--repeat 1] [--keep DIR]

Last line: mb_per_s_1=<x> mb_per_s_2=<y> scaling_2=<z> peak_rss_gib=<w>
  mb_per_s_1: one Dask worker; mb_per_s_2: two; scaling_2 = mb_per_s_2 / (2 x mb_per_s_1); peak_rss_gib: the largest driver peak.
  With --repeat K the one- and two-worker runs alternate K times and each figure is the median over the K pairs.
  The line before it, cpu_scaling_2: the same ratio for a pure-Python loop run in one process, then in two at once, measured between the runs:
  what this machine gives two processes at that moment (1.0 on two free cores), the ceiling scaling_2 is to be read against.
"""
import argparse, json, random, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import TEMPLATES, TRADITIONAL, PROSE, fill          # one set of benchmark sentences

CHAINS = ['湖南省株洲市荷塘区月塘街道', '湖南省长沙市望城区乔口镇', '浙江省嘉兴市桐乡市高桥街道', '湖南省郴州市北湖区下湄桥街道',
          '四川省成都市武侯区玉林街道', '浙江省绍兴市诸暨市枫桥镇', '北京市朝阳区三里屯街道', '湖南省怀化市靖州苗族侗族自治县渠阳镇',
          '广东省深圳市南山区粤海街道', '江苏省南京市鼓楼区湖南路街道', '山东省青岛市市南区八大关街道', '湖北省武汉市江岸区百步亭社区']
HEADS = ['{c}推行三治融合', '{c}深化微网格治理', '{c}探索三网共治', '{c}党建引领基层治理', '{c}推动接诉即办']


def documents(mb, seed):
    "Yield (JSON line) documents until their UTF-8 size reaches `mb` megabytes."
    rnd, size, i = random.Random(seed), 0, 0
    while size < mb * 1e6:
        trad = rnd.random() < 1 / 6
        pool = TRADITIONAL if trad else TEMPLATES
        chain = rnd.choice(CHAINS)
        sents = [fill(rnd.choice(pool), rnd) for _ in range(rnd.choice((0, 1, 1, 2)))] + rnd.sample(PROSE, rnd.randint(10, 12))
        rnd.shuffle(sents)
        sents.insert(0, f'{chain}近年来坚持党建引领,完善网格化服务管理。')
        body = '\n'.join(sents)
        u = rnd.random()
        if u < 0.1:                                        # hard-wrapped: 28-character lines without regard to sentences
            body = '\n'.join(body[j:j + 28] for j in range(0, len(body), 28))
        elif u < 0.15:                                     # a flattened table: one cell per line
            body += '\n\n' + '\n'.join(['网格', '数量', '网格员', '户数'] + [str(rnd.randint(2, 900)) for _ in range(12)])
        title = rnd.choice(HEADS).format(c=chain[-6:])
        line = json.dumps({'id': f'doc-{i:07d}', 'url': f'https://news.example.cn/{i}.html', 'outlet': '示例日报',
                           'date': f'{rnd.randint(2019, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}', 'title': title, 'text': body},
                          ensure_ascii=False) + '\n'
        size += len(line.encode('utf-8')); i += 1
        yield line


CHILD = r'''
import json, resource, sys, time
from govmodels.corpus import extract_corpus
corpus, out, workers = sys.argv[1], sys.argv[2], (int(sys.argv[3]) or None)
t0 = time.perf_counter()
r = extract_corpus([corpus], out=out, workers=workers, force=True, progress=False)
dt = time.perf_counter() - t0
print(json.dumps(dict(seconds=dt, documents=r['documents'], candidates=r['candidates'],
                      driver_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                      driver_cpu=resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
                      worker_gib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20)))
'''


def _burn(n: int = 20_000_000):
    s = 0
    for i in range(n): s += i * i


def cpu_scaling() -> float:
    "Work done per second by two processes at once over twice that of one: the machine's own two-process ceiling."
    from multiprocessing import Process
    def timed(k):
        ps = [Process(target=_burn) for _ in range(k)]
        t = time.perf_counter(); [q.start() for q in ps]; [q.join() for q in ps]
        return time.perf_counter() - t
    return timed(1) / timed(2)


def run(corpus: Path, out: Path, workers: int) -> dict:
    r = subprocess.run([sys.executable, '-c', CHILD, str(corpus), str(out), str(workers)], capture_output=True, text=True)
    if r.returncode: raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--mb', type=float, default=200.0); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--repeat', type=int, default=1, help='alternate the Dask runs this many times; medians are printed')
    p.add_argument('--keep', help='folder to keep the corpus and outputs in (default: a temporary folder, removed)')
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(a.keep or tmp); d.mkdir(exist_ok=True)
        corpus = d/'corpus.jsonl'
        n = 0
        with open(corpus, 'w', encoding='utf-8') as f:
            for line in documents(a.mb, a.seed): f.write(line); n += 1
        mb = corpus.stat().st_size / 1e6
        print(f'corpus: {mb:.1f} MB of JSONL, {n:,} documents', file=sys.stderr)
        res, cpu = {}, []
        for name, workers in [('single', 0)] + [('dask_1', 1), ('dask_2', 2)] * max(a.repeat, 1):
            cpu.append(cpu_scaling())
            r = run(corpus, d/f'{name}.csv', workers)
            res.setdefault(name, []).append(r)
            print(f"{name:>7}: {r['seconds']:6.1f} s  {mb / r['seconds']:5.2f} MB/s  {r['candidates']:,} candidates  "
                  f"driver peak {r['driver_gib']:.2f} GiB  worker peak {r['worker_gib']:.2f} GiB  driver CPU {r['driver_cpu']:.0f} s", file=sys.stderr)
        same = all((d/f'{k}.csv').read_bytes() == (d/'single.csv').read_bytes() for k in ('dask_1', 'dask_2'))
        print(f'outputs identical across engines: {same}', file=sys.stderr)
        med = lambda xs: sorted(xs)[len(xs) // 2]
        m1, m2 = med([mb / r['seconds'] for r in res['dask_1']]), med([mb / r['seconds'] for r in res['dask_2']])
        pairs = [mb / r2['seconds'] / (2 * mb / r1['seconds']) for r1, r2 in zip(res['dask_1'], res['dask_2'])]
        peak = max(r['driver_gib'] for rs in res.values() for r in rs)
        single = res['single'][0]['seconds']
        print(f"single-process {mb / single:.2f} MB/s; ratio dask_1/single {m1 / (mb / single):.2f}; scaling_2 per pair: "
              f"{' '.join(f'{x:.2f}' for x in pairs)}", file=sys.stderr)
        cpu.append(cpu_scaling())
        print(f"two processes at once, pure Python, before and after each run: {' '.join(f'{c:.2f}' for c in cpu)}", file=sys.stderr)
        print(f'cpu_scaling_2={min(cpu[2:]):.2f}-{max(cpu[2:]):.2f} (around the Dask runs)', file=sys.stderr)
        print(f'mb_per_s_1={m1:.2f} mb_per_s_2={m2:.2f} scaling_2={med(pairs):.2f} peak_rss_gib={peak:.2f}')


if __name__ == '__main__':
    main()
