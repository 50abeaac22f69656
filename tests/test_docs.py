"""The documentation site: built offline from the notebooks (nbdev processing + smalldocs), complete, with no broken
internal link, and checked in headless Chromium (headings, every image decoded, screenshots)."""
import functools, http.server, importlib, inspect, os, re, shutil, subprocess, sys, threading
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT/'tools'))
import docs  # noqa: E402

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--hide-scrollbars']
PROBE = ("<script>window.addEventListener('load', () => { const im = [...document.images];"
         " document.body.setAttribute('data-decoded', im.filter(i => i.complete && i.naturalWidth > 0).length + '/' + im.length); });</script>")
from govmodels._modidx import d as _INDEX
MODULES = sorted(m.split('.', 1)[1] for m in _INDEX['syms'])      # every exported module, as nbdev's index lists them


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The site built from a copy of the project (the checkout stays untouched)."
    root = tmp_path_factory.mktemp('docs')
    for name in ('nbs', 'govmodels', 'tools', 'data', 'pyproject.toml', 'README.md'):
        src = ROOT/name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root/name)
    r = subprocess.run([sys.executable, str(root/'tools'/'docs.py')], capture_output=True, text=True, cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return root/'_docs'


def test_every_notebook_has_a_page_and_no_link_is_broken(site):
    pages = {p.stem for p in site.glob('*.html')}
    assert {'index', 'comparison', 'data_dictionary', 'sources', 'case_hetang', 'case_shanshui', 'case_jingzhou',
            'case_wangcheng', 'case_xiameiqiao'} <= pages
    assert len(pages) == len(list((ROOT/'nbs').glob('[0-9a-z]*.ipynb')))
    assert docs.broken_links(site) == []
    assert 'proportion_from_percent' in (site/'search.json').read_text(encoding='utf-8')


def test_every_exported_function_has_an_api_entry(site):
    "Every public function and class of every module has its entry on the page nbdev's index links it to."
    from govmodels._modidx import d
    missing = []
    for mod in MODULES:
        m = importlib.import_module(f'govmodels.{mod}')
        for name in m.__all__:
            obj = getattr(m, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != m.__name__: continue
            link = d['syms'][f'govmodels.{mod}'].get(f'govmodels.{mod}.{name}', ('',))[0]
            page, _, anchor = link.partition('#')
            html = (site/page).read_text(encoding='utf-8') if page and (site/page).exists() else ''
            if f'id="{anchor}"' not in html: missing.append(f'{mod}.{name} ({link})')
    assert not missing, missing


@pytest.mark.skipif(CHROMIUM is None, reason='Chromium is not installed (apt-get install chromium)')
def test_pages_in_chromium(site, tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{server.server_address[1]}'
    shots = Path(os.environ.get('GOVMODELS_SCREENSHOTS', tmp_path)); shots.mkdir(parents=True, exist_ok=True)
    try:
        for page, heading in [('index', 'govmodels'), ('metrics', 'Metrics: proportions with honest intervals'),
                              ('comparison', 'Comparing 三治融合, 三网共治 and micro-grid management')]:
            html = (site/f'{page}.html').read_text(encoding='utf-8')
            (site/f'_probe_{page}.html').write_text(html.replace('</body>', PROBE + '</body>'), encoding='utf-8')
            run = lambda *a, prof: subprocess.run([CHROMIUM, *FLAGS, f'--user-data-dir={tmp_path/prof}', *a], capture_output=True,
                                                  text=True, timeout=120)
            r = run('--virtual-time-budget=15000', '--dump-dom', f'{base}/_probe_{page}.html', prof=f'p-{page}')
            m = re.search(r'data-decoded="(\d+)/(\d+)"', r.stdout)
            assert m and m.group(1) == m.group(2), (page, m and m.group(0), r.stderr[-1500:])
            assert heading in r.stdout, page
            if page == 'comparison': assert int(m.group(2)) >= 4          # its figures are there and decoded
            run(f'--screenshot={shots/f"docs_{page}.png"}', '--window-size=1280,1800', f'{base}/{page}.html', prof=f's-{page}')
            assert (shots/f'docs_{page}.png').stat().st_size > 30_000
    finally:
        server.shutdown()


AUDIT = """<script>window.__errs = []; window.addEventListener('error', e => __errs.push(String(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || e.type)))), true);
const __ce = console.error; console.error = (...a) => { __errs.push(a.map(String).join(' ')); __ce(...a); };
window.addEventListener('load', () => setTimeout(() => {
  const ext = performance.getEntriesByType('resource').map(r => r.name).filter(n => !/^(file:|data:|blob:|http:\\/\\/127\\.0\\.0\\.1)/.test(n));
  const srcs = [...document.images].map(i => i.src); let wide = 0;
  document.querySelectorAll('table').forEach(t => { const p = t.parentElement, ox = x => ['auto', 'scroll'].includes(getComputedStyle(x).overflowX);
    if (t.scrollWidth > p.clientWidth + 1 && !ox(t) && !ox(p)) wide++; });
  document.body.setAttribute('data-audit', JSON.stringify({errors: __errs, external: ext, duplicates: srcs.length - new Set(srcs).size, wide,
    images: srcs.length, decoded: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length}));
}, 300));</script>"""


def audit(page: Path, tmp_path: Path) -> dict:
    "Load a page in headless Chromium with every host but 127.0.0.1 unresolvable, and return what the audit script saw."
    import json
    probe = page.parent/f'_audit_{page.name}'
    probe.write_text(page.read_text(encoding='utf-8').replace('<head>', '<head>' + AUDIT, 1), encoding='utf-8')
    try:
        r = subprocess.run([CHROMIUM, *FLAGS, f'--user-data-dir={tmp_path/"audit"}', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
                            '--virtual-time-budget=10000', '--dump-dom', probe.as_uri()], capture_output=True, text=True, timeout=120)
    finally: probe.unlink()
    m = re.search(r'data-audit="([^"]*)"', r.stdout)
    assert m, (page.name, r.stderr[-1500:])
    import html as _html
    return json.loads(_html.unescape(m.group(1)))


@pytest.mark.skipif(CHROMIUM is None, reason='Chromium is not installed (apt-get install chromium)')
def test_every_page_and_the_report_work_offline(site, tmp_path):
    "With the network blocked: no request leaves the machine, no console error, no duplicated image, every image decodes, no table overflows."
    from govmodels.data import load
    from govmodels.report import write_report
    rep = write_report(load(), tmp_path/'report', n_draws=300)/'index.html'
    problems, case_images = [], {}
    for page in sorted(site.glob('*.html')) + [rep]:
        a = audit(page, tmp_path)
        if a['external']: problems.append((page.name, 'external request', a['external'][:3]))
        if a['errors']: problems.append((page.name, 'console error', a['errors'][:3]))
        if a['duplicates']: problems.append((page.name, 'duplicated image', a['duplicates']))
        if a['decoded'] != a['images']: problems.append((page.name, 'image not decoded', a['images'] - a['decoded']))
        if a['wide']: problems.append((page.name, 'table wider than its column without a scroll', a['wide']))
        if page.name.startswith('case_'):
            case_images[page.name] = set(re.findall(r'<img[^>]*src="(data:image/png;base64,[^"]{200})', page.read_text(encoding='utf-8')))
    assert not problems, problems
    names = sorted(case_images)
    for i, a in enumerate(names):                       # a case page never shows another case page's figure
        for b in names[i + 1:]: assert not (case_images[a] & case_images[b]), (a, b)
    assert all(case_images.values())                    # and each shows its own


def test_site_references_nothing_outside(site):
    "Statically: no stylesheet, script, image, font or maths is fetched from another host; cross-references are relative."
    bad = []
    for f in list(site.rglob('*.html')) + list(site.rglob('*.css')):
        t = f.read_text(encoding='utf-8', errors='replace')
        bad += [(f.name, u) for u in re.findall(r'(?:src=|<link[^>]*href=)"(https?://[^"]+)"', t) if 'github.com' not in u]
        bad += [(f.name, u) for u in re.findall(r'@import\s+url\(\s*[\'"]?(https?://[^)]+)', t)]
        bad += [(f.name, u) for u in re.findall(r'href="(https://govmodels\.github\.io[^"]*)"', t)]
    assert not bad, bad[:10]
    assert (site/'favicon.svg').exists() and (site/'site_libs'/'search-index.js').exists()
    assert '<math' in (site/'metrics.html').read_text(encoding='utf-8') and 'katex' not in (site/'metrics.html').read_text(encoding='utf-8')
