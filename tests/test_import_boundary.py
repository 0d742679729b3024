"""core/ never imports streamlit; pages/ never import torch (STYLE.md §1)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    files = sorted((ROOT / "core").rglob("*.py"))
    assert files, "core/ has no modules"
    crossing = [str(f.relative_to(ROOT)) for f in files if "streamlit" in imported_modules(f)]
    assert crossing == []


def test_pages_never_import_torch():
    files = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
    crossing = [str(f.relative_to(ROOT)) for f in files if "torch" in imported_modules(f)]
    assert crossing == []


def test_the_checker_sees_a_crossing(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom streamlit import cache_data\nimport torch.nn as nn\n")
    assert {"streamlit", "torch", "os"} <= imported_modules(bad)


def test_every_url_path_is_its_file_name():
    """streamlit#8860: a first visitor's deep link is first routed by the legacy pages/ router,
    which knows pages only by file name; a url_path that differs shows "Page not found"."""
    import re

    pairs = re.findall(r'st\.Page\("pages/(\w+)\.py".*?url_path="([^"]*)"', (ROOT / "app.py").read_text())
    assert len(pairs) >= 2  # the default page has no url_path: it is served at "/"
    assert [f for f, u in pairs if f != u] == []
