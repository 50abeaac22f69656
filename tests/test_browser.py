"""The report in a real browser: headless Chromium loads report/index.html, every image decodes, and a screenshot is saved.
Runs when Chromium is installed (.ci/run installs Debian's chromium when it is missing); skipped otherwise."""
import os, re, shutil, subprocess
from pathlib import Path

import pytest

from govmodels.data import load
from govmodels.report import write_report

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason='Chromium is not installed (apt-get install chromium)')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--hide-scrollbars']
PROBE = ("<script>window.addEventListener('load', () => { const im = [...document.images];"
         " document.body.setAttribute('data-decoded', im.filter(i => i.complete && i.naturalWidth > 0).length + '/' + im.length); });</script>")


def chromium(*args, profile):
    return subprocess.run([CHROMIUM, *FLAGS, f'--user-data-dir={profile}', *args], capture_output=True, text=True, timeout=120)


def test_report_opens_in_chromium_with_every_figure(tmp_path):
    out = write_report(load(), tmp_path/'report', n_draws=1000)
    page = out/'index.html'
    probe = out/'probe.html'                     # the report plus a script that counts decoded images after load
    probe.write_text(page.read_text(encoding='utf-8').replace('</body>', PROBE + '</body>'), encoding='utf-8')
    r = chromium('--virtual-time-budget=10000', '--dump-dom', probe.as_uri(), profile=tmp_path/'p1')
    decoded = re.search(r'data-decoded="(\d+)/(\d+)"', r.stdout)
    assert decoded, r.stderr[-2000:]
    assert decoded.group(1) == decoded.group(2) == '4'
    assert '<h1>' in r.stdout and 'What this report can and cannot say' in r.stdout
    shots = Path(os.environ.get('GOVMODELS_SCREENSHOTS', tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots/'report.png'
    r = chromium(f'--screenshot={shot}', '--window-size=1280,2400', page.as_uri(), profile=tmp_path/'p2')
    assert shot.exists() and shot.stat().st_size > 50_000, r.stderr[-2000:]


PDFTOTEXT = shutil.which('pdftotext')


@pytest.mark.skipif(PDFTOTEXT is None, reason='pdftotext is not installed (apt-get install poppler-utils)')
def test_report_prints_without_a_heading_at_the_bottom_of_a_page(tmp_path):
    out = write_report(load(), tmp_path/'report', n_draws=500)
    pdf = tmp_path/'report.pdf'
    chromium(f'--print-to-pdf={pdf}', '--no-pdf-header-footer', (out/'index.html').as_uri(), profile=tmp_path/'p3')
    assert pdf.exists() and pdf.stat().st_size > 50_000
    headings = set(re.findall(r'<h2>([^<]+)</h2>', (out/'index.html').read_text(encoding='utf-8')))
    pages = subprocess.run([PDFTOTEXT, '-layout', str(pdf), '-'], capture_output=True, text=True).stdout.split('\f')
    last = [[l.strip() for l in p.splitlines() if l.strip()][-1] for p in pages if p.strip()]
    assert len(last) >= 3 and not [l for l in last if l in headings], last
