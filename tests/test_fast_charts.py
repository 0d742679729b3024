"""The fast chart paths give the Vega-Lite that Altair's own calls give (the oracle): `with_props`
and `style` against the chained `.properties()`/`.configure_*()`, `concat` against
`alt.vconcat(...).add_params(...)`, and `ui.vega.to_spec` against Streamlit's own conversion."""
import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from core.chart_style import INK, PAGE, TALK, concat, style, with_props
from ui import vega


def _layer(n: int, colour: str) -> alt.LayerChart:
    df = pd.DataFrame({"t": range(n), "y": [i * i for i in range(n)], "g": ["a", "b"] * (n // 2)})
    line = alt.Chart(df).mark_line(color=colour).encode(x="t:Q", y="y:Q", color="g:N")
    rule = alt.Chart(pd.DataFrame({"t": [n // 2]})).mark_rule().encode(x="t:Q")
    return alt.layer(line, rule)


def _chained(chart, scale=PAGE):
    """`style` as it was written before: one Altair call per config group."""
    return (chart.configure(font="sans-serif")
            .configure_axis(labelFontSize=scale.tick, titleFontSize=scale.axis_title, labelColor=INK, titleColor=INK,
                            domainColor=INK, tickColor=INK, gridColor="#D0D7DE", labelLimit=260)
            .configure_legend(labelFontSize=scale.legend, titleFontSize=scale.legend, labelColor=INK, titleColor=INK,
                              labelLimit=360, symbolSize=140, symbolStrokeWidth=3)
            .configure_title(fontSize=scale.title, color=INK, anchor="start", limit=0)
            .configure_header(labelFontSize=scale.tick, titleFontSize=scale.axis_title, labelColor=INK, titleColor=INK)
            .configure_view(strokeWidth=0))


@pytest.mark.parametrize("scale", [PAGE, TALK])
def test_style_is_the_chained_configure(scale):
    chart = _layer(10, "#0072B2").properties(title="x", height=200)
    assert style(chart, scale=scale).to_dict() == _chained(chart, scale).to_dict()


def test_style_extra_entry_is_configure_axis_y():
    chart = _layer(8, "#0072B2")
    fast = style(chart, scale=TALK, axisY=alt.AxisConfig(titleLimit=210)).to_dict()
    assert fast == _chained(chart, TALK).configure_axisY(titleLimit=210).to_dict()


def test_with_props_is_properties_and_leaves_the_original_alone():
    chart = _layer(6, "#D55E00")
    before = chart.to_dict()
    fast = with_props(chart, height=123, title="T", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    slow = chart.properties(height=123, title="T", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    assert fast.to_dict() == slow.to_dict()
    assert chart.to_dict() == before


def test_concat_is_altair_vconcat_with_a_shared_param():
    step = alt.param(name="step", value=2, bind=alt.binding_range(min=0, max=9, step=1))
    a = _layer(10, "#0072B2").properties(width=200, height=100)
    b = alt.Chart(pd.DataFrame({"t": range(10), "v": range(10)})).mark_bar().encode(x="t:O", y="v:Q").transform_filter(
        alt.datum.t <= step).properties(width=200, height=80)
    slow = alt.vconcat(alt.hconcat(a, b), b, spacing=10).add_params(step).resolve_scale(color="independent")
    fast = concat("vconcat", [concat("hconcat", [a, b]), b], spacing=10, params=[step.param],
                  resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")))
    assert fast.to_dict() == slow.to_dict()
    assert fast.properties(title="t").to_dict() == slow.properties(title="t").to_dict()


def test_concat_refuses_a_sub_chart_with_its_own_params():
    own = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").add_params(alt.selection_point())
    with pytest.raises(ValueError, match="params"):
        concat("vconcat", [own])


def test_to_spec_is_streamlits_conversion_with_arrow_data_and_frames():
    chart = style(_layer(12, "#009E73").properties(title="t"))
    spec, frames = vega.to_spec(chart)
    assert spec == _convert_altair_to_vega_lite_spec(chart)
    assert set(frames) == set(spec["datasets"]) and len(frames) == 2
    for name, data in spec["datasets"].items():
        table = pa.ipc.open_stream(data).read_all().to_pandas()
        pd.testing.assert_frame_equal(table.reset_index(drop=True)[list(frames[name].columns)],
                                      frames[name].reset_index(drop=True), check_dtype=False)


def test_to_spec_leaves_altairs_global_transformer_and_theme_as_they_were():
    before = (alt.data_transformers.active, alt.theme.active)
    vega.to_spec(_layer(4, "#0072B2"))
    assert (alt.data_transformers.active, alt.theme.active) == before


def test_follows_width_only_for_one_view_or_layers_with_a_fixed_height():
    layer, _ = vega.to_spec(_layer(6, "#0072B2").properties(height=300))
    assert vega.follows_width(layer)
    bars = alt.Chart(pd.DataFrame({"t": range(4), "v": range(4)})).mark_bar().encode(x="t:O", y="v:Q")
    assert not vega.follows_width(vega.to_spec(bars.properties(height={"step": 20}))[0])     # one row per value
    assert not vega.follows_width(vega.to_spec(alt.vconcat(bars, bars))[0])
    assert not vega.follows_width(vega.to_spec(bars.encode(row="t:O").properties(height=100))[0])


def test_a_chart_drawn_with_aspect_takes_its_height_from_its_box():
    """AppTest: the gradients page's main chart is sent with height "container", inside the box
    that ASPECT_CSS sizes, with its builder's height (+ frame) as the box's floor."""
    from streamlit.testing.v1 import AppTest
    import json

    at = AppTest.from_file("../app.py", default_timeout=300)
    at.switch_page("chapters/gradients.py")
    at.run()
    assert not at.exception

    def specs(node) -> list[dict]:
        children = getattr(node, "children", None)
        found = [s for c in children.values() for s in specs(c)] if isinstance(children, dict) else []
        spec = getattr(getattr(node, "proto", None), "spec", "")
        return found + ([json.loads(spec)] if spec else [])

    main = [sp for sp in specs(at._tree) if "Gradient vs distance" in json.dumps(sp.get("title", ""))]
    assert main and main[0]["height"] == "container"
    css = [h.proto.body for h in at.get("html") if "aspect_g_decay_chart" in h.proto.body]
    assert css and f"min-height:{440 + vega.FRAME_PX}px" in css[0]


def test_a_builder_states_its_own_frame_and_ratio_for_its_box():
    """AppTest: the scan page's main chart (its height the whole chart's, a wide box) keeps that height
    as the box's floor at 16:9; the Timing lab's chart states the frame its legend below needs."""
    from streamlit.testing.v1 import AppTest

    from core.timing import charts as timing_charts
    from core.timing import reference

    at = AppTest.from_file("../app.py", default_timeout=300)
    at.switch_page("chapters/scan.py")
    at.run()
    assert not at.exception
    css = [h.proto.body for h in at.get("html") if "aspect_s_three" in h.proto.body]
    assert css and "aspect-ratio:16/9" in css[-1] and "min-height:300px" in css[-1]
    meta, df = reference.load("forward")
    spec = timing_charts.time_vs_T(None, {"shipped reference: CPU": df}).to_dict()
    methods = df["method"].nunique()
    assert spec["usermeta"]["frame_px"] == 190 + 30 * ((methods + 1) // 2) and vega.follows_width(spec)


def test_a_new_value_changes_only_the_data_of_the_gradients_charts():
    """AppTest: after a new ρ and a new T, each of the gradients page's three charts has the same spec
    as before apart from its datasets' names, which Streamlit's frontend replaces by their positions
    before comparing. So the browser swaps their data in place instead of building them again."""
    import json
    import re

    from streamlit.testing.v1 import AppTest

    def charts(at) -> list[str]:
        def protos(node) -> list:
            children = getattr(node, "children", None)
            found = [p for c in children.values() for p in protos(c)] if isinstance(children, dict) else []
            proto = getattr(node, "proto", None)
            return found + ([proto] if getattr(proto, "spec", "") else [])
        out = []
        for proto in protos(at._tree):
            text = proto.spec
            for i, d in enumerate(proto.datasets):
                text = text.replace(json.dumps(d.name), f'"dataset {i}"')
            assert not re.search(r'"[0-9a-f]{32}"', text)
            out.append(text)
        return out

    at = AppTest.from_file("../app.py", default_timeout=300)
    at.switch_page("chapters/gradients.py")
    at.run()
    before = charts(at)
    assert len(before) == 3 and not at.exception
    for key, value in (("g_rho", 0.95), ("g_T", 201)):
        data = {w.key: w for w in at.slider}
        data[key].set_value(value).run()
        assert not at.exception and charts(at) == before, key
