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
