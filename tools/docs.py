"""Build the documentation site offline: nbdev's processing, then smalldocs, into _docs/.

nbdev renders its site with Quarto, which cannot be installed here. This runs the same preparation
as `nbdev-proc-nbs` through nbdev's own API (refresh the Quarto configuration, rebuild the doc links,
process the notebooks into _proc/ with `show_doc` rendered) without its attempt to download Quarto,
then renders _proc/ with smalldocs, a pure-Python renderer of Quarto websites. The configuration
stays the standard nbdev/Quarto one (nbs/_quarto.yml, nbdev.yml, sidebar.yml), so `nbdev-docs`
works unchanged wherever Quarto is installed.

    python tools/docs.py            # writes _docs/
"""
import json, os, re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, unquote


def use_output_files(proc: Path):
    "Rename processed notebooks to the page names nbdev gives them (output-file: bounds.html), as Quarto would."
    sidebar = proc/'sidebar.yml'
    side = sidebar.read_text(encoding='utf-8') if sidebar.exists() else ''
    for nb in sorted(proc.glob('*.ipynb')):
        d = json.loads(nb.read_text(encoding='utf-8'))
        first = ''.join(d['cells'][0]['source']) if d['cells'] and d['cells'][0]['cell_type'] == 'raw' else ''
        m = re.search(r'^output-file:\s*(\S+)\.html\s*$', first, re.M)
        if not m or m.group(1) == nb.stem: continue
        d['cells'][0]['source'] = re.sub(r'^output-file:.*\n', '', first, flags=re.M)
        (proc/f'{m.group(1)}.ipynb').write_text(json.dumps(d, ensure_ascii=False, indent=1), encoding='utf-8')
        nb.unlink()
        side = re.sub(rf'(?<![\w.-]){re.escape(nb.name)}\b', f'{m.group(1)}.ipynb', side)
    if side: sidebar.write_text(side, encoding='utf-8')


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(); self.links = []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ('href', 'src') and v: self.links.append(v)


def broken_links(site: Path) -> list:
    "Internal links and sources in the site's HTML pages that point to no file: (page, link)."
    out = []
    for page in sorted(site.rglob('*.html')):
        p = _Links(); p.feed(page.read_text(encoding='utf-8', errors='replace'))
        for link in p.links:
            u = urlparse(link)
            if u.scheme or link.startswith(('#', '//', 'mailto:', 'data:', 'javascript:')): continue
            path = unquote(u.path)
            if not path: continue
            target = (site/path.lstrip('/')) if path.startswith('/') else (page.parent/path)
            if target.is_dir(): target = target/'index.html'
            if not target.exists(): out.append((str(page.relative_to(site)), link))
    return out


CJK = re.compile(r'[\u3400-\u9fff\uf900-\ufaff]')
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2780e3"/>'
           '<path d="M4 4h8v8H4z M8 4v8 M4 8h8" stroke="#fff" stroke-width="1.2" fill="none"/></svg>')


def _mathml(m) -> str:
    "A KaTeX-delimited span rendered to MathML at build time (browsers render MathML natively: no script, no CDN)."
    from latex2mathml.converter import convert
    import html as _html
    display = m.group(1) == 'display'
    tex = _html.unescape(m.group(2))
    try: return convert(tex, display='block' if display else 'inline')
    except Exception: return m.group(0)                       # leave it as text rather than fail the build


def _alt_texts(page: str, title: str) -> str:
    "Give every image without a text alternative one, from the heading it stands under."
    out, heading, pos = [], title, 0
    for m in re.finditer(r'<h[1-3][^>]*>(.*?)</h[1-3]>|<img\b([^>]*)>', page, re.S):
        if m.group(1) is not None:
            heading = re.sub(r'<[^>]+>', '', m.group(1)).strip() or heading; continue
        attrs = m.group(2)
        if re.search(r'\balt="[^"]+"', attrs): continue
        alt = f'Figure: {heading}'.replace('"', "'")
        new = re.sub(r'\balt=""', '', attrs)
        out.append((m.start(), m.end(), f'<img alt="{alt}"{new}>'))
    for a, b, rep in reversed(out): page = page[:a] + rep + page[b:]
    return page


RUN = re.compile(r'[\u3400-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*')


def _lang_runs(page: str) -> str:
    "Mark each run of Chinese text lang=\"zh-CN\" (Simplified glyph forms), leaving the English around it, tags and scripts alone."
    parts, skip, out = re.split(r'(<[^>]+>)', page), None, []
    for part in parts:
        if part.startswith('<'):
            tag = re.match(r'</?([a-zA-Z0-9]+)', part)
            name = tag.group(1).lower() if tag else ''
            if name in ('script', 'style', 'title', 'textarea', 'math'): skip = None if part.startswith('</') else name
            out.append(part)
        elif skip or not CJK.search(part): out.append(part)
        else: out.append(RUN.sub(lambda m: f'<span lang="zh-CN">{m.group(0)}</span>', part))
    return ''.join(out)


def finish(site: Path, public: str) -> None:
    """Make the built site work offline and read well: no web fonts or maths from a CDN (maths as MathML), relative
    cross-references, a favicon, a search index inlined for file:// pages, alt text, lang="zh-CN" on Chinese text."""
    for css in site.rglob('*.css'):
        t = css.read_text(encoding='utf-8', errors='replace')
        t2 = re.sub(r'@import\s+url\(\s*[\'"]?https?://[^)]*\)\s*;?', '', t)
        if t2 != t: css.write_text(t2, encoding='utf-8')
    (site/'favicon.svg').write_text(FAVICON, encoding='utf-8')
    index = (site/'search.json').read_text(encoding='utf-8') if (site/'search.json').exists() else '[]'
    (site/'site_libs'/'search-index.js').write_text('window.smalldocsIndex = ' + index + ';\n', encoding='utf-8')
    js = site/'site_libs'/'smalldocs.js'
    if js.exists():
        t = js.read_text(encoding='utf-8')
        t = t.replace('const r = await fetch(offset + "search.json");\n      index = await r.json();',
                      'index = window.smalldocsIndex || await (await fetch(offset + "search.json")).json();')
        js.write_text(t, encoding='utf-8')
    for page in site.rglob('*.html'):
        t = page.read_text(encoding='utf-8')
        t = re.sub(r'<script[^>]*katex[^>]*></script>\s*', '', t)
        t = re.sub(r'<link[^>]*katex[^>]*>\s*', '', t)
        t = re.sub(r'<span class="math (inline|display)">\\[\(\[](.*?)\\[\)\]]</span>', _mathml, t, flags=re.S)
        t = t.replace(f'href="{public}', 'href="')                  # cross-references stay on this site
        t = t.replace('__main__.', '')
        rel = '../' * (len(page.relative_to(site).parts) - 1)
        t = t.replace('</head>', f'<link rel="icon" href="{rel}favicon.svg" type="image/svg+xml">\n</head>', 1)
        t = t.replace('<script src="' + rel + 'site_libs/smalldocs.js"', '<script src="' + rel + 'site_libs/search-index.js"></script>\n<script src="' + rel + 'site_libs/smalldocs.js"', 1)
        title = re.search(r'<title>(.*?)</title>', t, re.S)
        t = _alt_texts(t, title.group(1).split(' – ')[0].strip() if title else page.stem)
        t = _lang_runs(t)
        page.write_text(t, encoding='utf-8')


def build(root: Path) -> Path:
    os.chdir(root)
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.serve import proc_nbs
    import nbdev.doclinks
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    proc = root/'_proc'
    shutil.rmtree(proc, ignore_errors=True)
    proc_nbs(cfg.nbs_path, n_workers=2)
    use_output_files(proc)
    exe = Path(sys.executable).parent/'smalldocs'
    r = subprocess.run([str(exe), 'render', str(proc)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr); raise SystemExit(r.returncode)
    for line in (r.stdout + r.stderr).splitlines():
        if 'warning' in line.lower(): print(line, file=sys.stderr)
    built, out = proc/'_docs', root/'_docs'
    finish(built, cfg.get('doc_host', 'https://govmodels.github.io').rstrip('/') + cfg.get('doc_baseurl', '/govmodels/').rstrip('/') + '/')
    tmp = root/'._docs.new'
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(built, tmp)
    if out.exists(): shutil.rmtree(out)
    os.replace(tmp, out)
    return out


if __name__ == '__main__':
    out = build(Path(__file__).resolve().parents[1])
    print(f'site written to {out}/index.html ({sum(1 for _ in out.rglob("*.html"))} pages)')
    bad = broken_links(out)
    for page, link in bad: print(f'broken link in {page}: {link}', file=sys.stderr)
    if bad: raise SystemExit(1)
