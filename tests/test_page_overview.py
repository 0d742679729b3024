"""Overview page and the shared sidebar, through Streamlit's AppTest."""
from tests.conftest import app_test


def run_app(**query):
    return app_test(**query)


def table_text(at) -> str:
    return next(m.value for m in at.markdown if "Sequential operations" in m.value)


def row(at, name: str) -> str:
    return next(line for line in table_text(at).splitlines() if line.startswith(f"| {name} |"))


def test_overview_renders_without_exception():
    at = run_app()
    assert not at.exception
    assert at.title[0].value.startswith("Why Transformers Replaced RNNs")
    assert len(at.get("vega_lite_chart")) == 1          # the first chart, from shipped results
    assert "Sequential operations" in table_text(at)
    assert at.sidebar.number_input(key="seed").value == 0


def test_tampered_seed_gets_a_message_not_a_traceback():
    at = run_app(seed="abc")
    assert not at.exception
    assert any("“abc”" in w.value and "not a whole number" in w.value for w in at.sidebar.warning)
    assert at.sidebar.number_input(key="seed").value == 0


def test_out_of_range_seed_is_clamped_and_named():
    at = run_app(seed="-5")
    assert not at.exception
    assert any("using 0" in w.value for w in at.sidebar.warning)


def test_unknown_device_falls_back():
    at = run_app(device="tpu")
    assert not at.exception
    assert any("“tpu”" in w.value for w in at.sidebar.warning)
    assert at.sidebar.selectbox(key="device").value in ("cpu", "cuda", "mps")


def test_seed_from_url_is_used():
    at = run_app(seed="42")
    assert at.sidebar.number_input(key="seed").value == 42


def test_timing_rows_come_from_the_shipped_reference_until_measured():
    at = run_app()
    seq = row(at, "Sequential operations")
    assert "RNN loop: 512 dependent steps" in seq and "shipped reference" in seq
    cost = row(at, "Computation per layer")
    assert "$T^{" in cost and "nn.MultiheadAttention" in cost


def test_timing_rows_switch_to_this_sessions_measurement(monkeypatch):
    from tests.test_page_timing import use_synthetic

    use_synthetic(monkeypatch)   # steady synthetic rows: the page's logic is tested, not this busy host
    at = run_app()
    at.switch_page("chapters/timing_lab.py")
    for k, v in dict(t_methods="rnncell_loop,sdpa", t_tmin="8", t_tmax="32", t_points="3", t_secs="0.02",
                     t_B="4", t_d="32").items():
        at.query_params[k] = v
    at.run(timeout=120)
    at.button(key="t_again").click().run(timeout=120)   # the live sweep (in a browser it starts by itself)
    at.switch_page("chapters/overview.py").run()
    seq = row(at, "Sequential operations")
    assert "RNN loop: 32 dependent steps" in seq and "shipped reference" not in seq
