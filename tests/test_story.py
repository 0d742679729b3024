"""The story's scenes: the shipped scene data loads, every scene draws from it in talk type,
its texts come from its numbers, the cheap scenes match a fresh computation, and the CLI
and each scene's "reproduce in Python" snippet work."""
from __future__ import annotations

import io
import math
import subprocess
import sys

import pandas as pd
import pytest

from core.chart_style import TALK
from core.story import scene as sc
from core.story import snippets
from core.story.__main__ import main as cli
from core.story.scenes import BY_SLUG, SCENES, number
from tests.conftest import ROOT

CHEAP = ["vanishing", "gate", "path", "order", "heads", "matrix", "scan", "gives_up"]


@pytest.fixture(scope="module")
def shipped():
    meta, data = sc.load(sc.SHIPPED)
    return meta, data


def test_the_story_covers_every_claim_group_in_order():
    groups = [s.group for s in SCENES]
    for g in ("The sequential chain", "% of the device used", "The seed's snippet", "Vanishing gradients",
              "The LSTM's gate", "Clipping", "The fixed-size state", "Seq2seq ± attention",
              "Attention, step by step", "Order and position", "Heads", "The T×T price", "Streaming",
              "The edge", "Where each side wins", "Recurrence returns", "What the scan gives up"):
        assert g in groups
    assert max(len(f"{len(SCENES)} / {len(SCENES)} · {g}") for g in groups) <= 34   # one line of h1 at 1280 px
    assert len({s.slug for s in SCENES}) == len(SCENES)
    assert number(SCENES[0].slug) == 1 and number(SCENES[-1].slug) == len(SCENES)
    for s in SCENES:
        assert (ROOT / "chapters" / f"{s.page}.py").exists(), s.page


def test_shipped_file_has_every_scene_and_the_command(shipped):
    meta, data = shipped
    assert meta["command"].startswith("python -m core.story")
    assert set(data) == set(BY_SLUG)


@pytest.mark.parametrize("slug", [s.slug for s in SCENES])
def test_every_scene_draws_from_shipped_data_in_talk_type(shipped, slug):
    s, d = BY_SLUG[slug], shipped[1][slug]
    spec = s.chart(d).to_dict()
    cfg = spec["config"]
    assert cfg["title"]["fontSize"] >= 28 and cfg["axis"]["labelFontSize"] >= 20
    assert cfg["title"]["fontSize"] == TALK.title
    sentence, (label, value), notes = s.sentence(d), s.figure(d), s.notes(d)
    assert sentence.endswith(".") and len(sentence) < 330
    assert label and value and notes
    assert "nan" not in sentence.lower().split()


# Float32 round-off against the float64 loop: its last digits follow the host's vector maths
# (Heinsen's log-space scan read 5.2e-6 on the host that shipped it, 4.4e-6 on another 2-core Xeon,
# every run). Same order of magnitude, and below float32's 2⁻²³ ≈ 1.2e-7 times 100.
ROUND_OFF = {"tree_rel", "loop_rel", "heinsen_rel"}


def _close(a, b, key: str = "") -> bool:
    if key in ROUND_OFF:
        return 0 < a < 1.2e-5 and 0 < b < 1.2e-5 and 1 / 3 <= a / b <= 3
    if isinstance(a, dict):
        return all(_close(a[k], b.get(k), k) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("slug", CHEAP)
def test_cheap_scenes_match_a_fresh_computation(shipped, slug):
    fresh, kept = BY_SLUG[slug].compute(), shipped[1][slug]
    assert _close(kept.values, sc.SceneData.from_dict(fresh.to_dict()).values), slug
    assert len(fresh.frame) == len(kept.frame)


def test_timing_scenes_ship_the_reference_and_flag_busy_hosts(shipped):
    chain = shipped[1]["chain"]
    assert chain.meta["source"].startswith("shipped reference")
    busy = sc.SceneData(chain.frame, {**chain.values, "spread": 0.01}, {"load_avg": [9.0], "cores": 2})
    assert BY_SLUG["chain"].noisy(busy)
    calm = sc.SceneData(chain.frame, {**chain.values, "spread": 0.01}, {"load_avg": [0.5], "cores": 2})
    assert not BY_SLUG["chain"].noisy(calm)
    assert not BY_SLUG["matrix"].noisy(busy)        # not a timing


def test_cli_recomputes_only_what_is_asked(tmp_path):
    out = tmp_path / "scenes.json"
    cli(["--out", str(out), "--only", "matrix,path"])
    meta, data = sc.load(out)
    assert set(data) == {"matrix", "path"} and "--out" in meta["command"]
    with pytest.raises(SystemExit):
        cli(["--out", str(out), "--only", "nope"])
    with pytest.raises(ValueError, match="not a scenes file"):
        bad = tmp_path / "bad.json"
        bad.write_text('{"schema": "x"}')
        sc.load(bad)


@pytest.mark.parametrize("slug", ["matrix", "path"])
def test_scene_snippet_runs_and_prints_the_scenes_data(slug):
    out = subprocess.run([sys.executable, "-c", snippets.scene(slug)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    sentence, csv = out.split("\n", 1)
    fresh = BY_SLUG[slug].compute()
    assert sentence == BY_SLUG[slug].sentence(fresh)
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(csv)), pd.read_csv(io.StringIO(fresh.frame.to_csv(index=False))))


@pytest.mark.parametrize("slug", ["streaming", "edge", "wins"])
def test_timed_price_scenes_recompute_live(slug):
    """The talk page's "re-measure live" button runs exactly this; its sentence must come out whole."""
    fresh = BY_SLUG[slug].compute()
    assert len(fresh.frame) > 0 and fresh.meta
    sentence = BY_SLUG[slug].sentence(fresh)
    assert sentence and "nan" not in sentence.lower().split()
