"""core/ never imports streamlit; the chapter scripts never import torch; no import circles."""
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
    files = sorted((ROOT / "chapters").glob("*.py")) + sorted((ROOT / "ui").glob("*.py")) + [ROOT / "app.py"]
    crossing = [str(f.relative_to(ROOT)) for f in files if "torch" in imported_modules(f)]
    assert crossing == []


def test_the_checker_sees_a_crossing(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom streamlit import cache_data\nimport torch.nn as nn\n")
    assert {"streamlit", "torch", "os"} <= imported_modules(bad)


def test_no_pages_folder_beside_the_entrypoint():
    """streamlit#8860: a `pages/` folder beside app.py makes visitors who arrive before the
    entrypoint's first run completes get Streamlit's legacy folder router. The chapter scripts
    live in `chapters/`, so there is no such folder and no workaround to keep alive."""
    assert not (ROOT / "pages").exists()
    assert "chapters/" in (ROOT / "app.py").read_text()
