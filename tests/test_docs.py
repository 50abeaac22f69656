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
MODULES = ['bounds', 'data', 'schema', 'checks', 'summary', 'text', 'lexicon', 'evaluate', 'metrics', 'derive', 'compare', 'plots',
           'files', 'cli', 'composite', 'uncertainty', 'report']


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
