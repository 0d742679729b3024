"""The app's faster Altair (ui.altair_fast): the same specs, the class map computed once."""
import subprocess
import sys
from pathlib import Path

from altair.utils import schemapi

ROOT = Path(__file__).resolve().parent.parent

# The gradients page's three chart builders on small inputs, as JSON text (run with and without the change).
SPECS = """
import json, sys
sys.path.insert(0, {root!r})
if sys.argv[1] == "fast":
    from ui import altair_fast
    assert altair_fast.install()
import pandas as pd
from core.gradients import charts as g
band = pd.DataFrame({{"model": ["tanh"] * 3 + ["lstm"] * 3, "wrt": "x", "distance": [0, 1, 2] * 2,
                      "median": [1.0, .5, .25, 1.0, .9, .8], "lo": [.9, .4, .2, .9, .8, .7], "hi": [1.1, .6, .3, 1.1, 1, .9]}})
charts = [g.decay(band, "x", 0.9)]
frame = pd.DataFrame({{"distance": [0, 1, 2], "measured": [1, .5, .2], "product": [1, .6, .3], "w_power": [1, .7, .5],
                       "rho_power": [1, .9, .81], "step_norm": [.5, .5, .5], "step_bound": [.9, .9, .9]}})
charts += list(g.jacobian_product(frame, "tanh"))
print(json.dumps([c.to_dict() for c in charts], sort_keys=True))
"""


def _specs(mode: str) -> str:
    out = subprocess.run([sys.executable, "-c", SPECS.format(root=str(ROOT)), mode], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_same_validated_specs_with_and_without_it():
    assert _specs("fast") == _specs("plain")


def test_the_class_map_is_computed_once_and_equals_altairs_own():
    from ui import altair_fast

    assert altair_fast.install()
    import altair as alt
    classes = tuple(alt.X._default_wrapper_classes())
    probe = object.__new__(schemapi._FromDict)
    altair_fast._ORIGINAL_INIT(probe, classes)
    fresh = probe.class_dict
    a, b = object.__new__(schemapi._FromDict), object.__new__(schemapi._FromDict)
    a.__init__(classes)
    b.__init__(iter(alt.X._default_wrapper_classes()))
    assert a.class_dict is b.class_dict                     # computed once, shared
    assert dict(a.class_dict) == dict(fresh)                # and what Altair computes itself
    assert alt.Chart().mark_point().encode(x="a:Q").to_dict()["encoding"]["x"] == {"field": "a", "type": "quantitative"}
