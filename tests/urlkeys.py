"""Every page of the app and the URL keys it reads, found from the source (no chapter is imported).

A chapter is a Streamlit script, so importing it would run it; instead its keys are parsed:
`Param("key", ...)`, `st.query_params.get("key")` / `["key"]`, and `…KEY = "key"` constants in
a module that reads `query_params` (e.g. ui/seq2seq_section.py). The `ui` modules a chapter
imports contribute their keys to that chapter. The sidebar's keys (seed, device) are on every page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PARAM = re.compile(r'Param\(\s*"([A-Za-z0-9_]+)"')
_QP = re.compile(r'query_params(?:\.get(?:_all)?\(|\[)\s*"([A-Za-z0-9_]+)"')
_KEYCONST = re.compile(r'^\s*[A-Z_]*KEY[A-Z_0-9]*\s*=\s*"([A-Za-z0-9_]+)"', re.M)
_UI_IMPORT = re.compile(r'^\s*from ui import ([^\n]+)|^\s*from ui\.(\w+) import', re.M)
_PAGE = re.compile(r'st\.Page\(\s*"([^"]+)"([^\n]*)')


@dataclass
class Page:
    script: str            # "chapters/x.py", for AppTest.switch_page
    url_path: str          # "" for the default page
    title: str
    keys: list[str] = field(default_factory=list)


def _keys_in(text: str) -> list[str]:
    keys = _PARAM.findall(text) + _QP.findall(text)
    if "query_params" in text:
        keys += _KEYCONST.findall(text)
    return keys


def _ui_modules(text: str) -> list[str]:
    mods = []
    for names, single in _UI_IMPORT.findall(text):
        if single:
            mods.append(single)
        for n in names.split(","):
            n = n.strip().split(" as ")[0].strip("() ")
            if n:
                mods.append(n)
    return mods


# Keys whose hostile value falls back to a default that computes for minutes (the timing lab
# sweeps live at its default size): the app-wide URL tests give them these small valid values
# and fuzz the other keys; their values go through the same ui.params.parse that
# tests/test_params.py covers.
CHEAP = {
    "chapters/timing_lab.py": {"t_methods": "rnncell_loop", "t_tmin": "8", "t_tmax": "16", "t_points": "2",
                               "t_secs": "0.02", "t_B": "1", "t_d": "8", "t_heads": "1", "t_threads": "1",
                               "t_cmp1": "0", "t_snippet": "0", "t_mode": "forward"},
}


def sidebar_keys() -> list[str]:
    return list(dict.fromkeys(_keys_in((ROOT / "ui" / "sidebar.py").read_text())))


def pages() -> list[Page]:
    out = []
    for script, rest in _PAGE.findall((ROOT / "app.py").read_text()):
        m = re.search(r'url_path="([^"]*)"', rest)
        url = "" if "default=True" in rest or not m else m.group(1)
        t = re.search(r'title="([^"]*)"', rest)
        text = (ROOT / script).read_text()
        keys = _keys_in(text)
        for mod in _ui_modules(text):
            f = ROOT / "ui" / f"{mod}.py"
            if f.exists() and mod not in ("params", "sidebar"):
                keys += _keys_in(f.read_text())
        out.append(Page(script, url, t.group(1) if t else script, list(dict.fromkeys(keys))))
    return out


if __name__ == "__main__":
    print("sidebar:", sidebar_keys())
    for p in pages():
        print(p.script, repr(p.url_path), p.title, p.keys)
