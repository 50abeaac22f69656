"""Generate README.md from nbs/index.ipynb without Quarto.

nbdev's own `nbdev-readme` renders through Quarto, which cannot be installed on the project's
machines. This does the same job offline with nbconvert: cells marked `#| hide` are dropped,
nbdev directives (`#| ...`) are stripped from the code, and outputs keep their plain-text form
(pandas' HTML tables carry <style> blocks that read badly in a README).

    python tools/readme.py nbs/index.ipynb README.md          # write README.md
    python tools/readme.py nbs/index.ipynb README.md --check  # exit 1 if README.md is stale
"""
import argparse, copy, re, sys
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter

HEADER = "<!-- Generated from nbs/index.ipynb by `make readme`; edit the notebook, not this file. -->\n\n"
_directive = re.compile(r'^#\|\s*(\S+)', re.M)


def _keep(cell) -> bool:
    "Drop hidden cells and empty code cells."
    if cell.cell_type != 'code': return True
    dirs = _directive.findall(cell.source)
    return not ({'hide', 'exporti'} & set(dirs)) and bool(cell.source.strip())


def _clean(cell):
    if cell.cell_type == 'code':
        cell.source = '\n'.join(l for l in cell.source.splitlines() if not l.lstrip().startswith('#|')).strip('\n')
        for o in cell.get('outputs', []):
            data = o.get('data', {})
            if 'text/plain' in data:
                for k in [k for k in data if k != 'text/plain']: del data[k]
    return cell


def render(nb_path) -> str:
    "README text for the notebook at `nb_path`."
    nb = nbformat.read(str(nb_path), as_version=4)
    nb = copy.deepcopy(nb)
    nb.metadata['language_info'] = {'name': 'python'}  # fenced code blocks get a language
    nb.cells = [_clean(c) for c in nb.cells if _keep(c)]
    body, _ = MarkdownExporter().from_notebook_node(nb)
    body = re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'
    return HEADER + body


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebook'); p.add_argument('readme'); p.add_argument('--check', action='store_true')
    a = p.parse_args(argv)
    text, out = render(a.notebook), Path(a.readme)
    if a.check:
        ok = out.exists() and out.read_text(encoding='utf-8') == text
        if not ok: print(f'{out} is out of date: run `make readme`', file=sys.stderr)
        return 0 if ok else 1
    tmp = out.with_name(out.name + '.tmp')
    tmp.write_text(text, encoding='utf-8'); tmp.replace(out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
