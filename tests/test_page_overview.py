"""Overview page and the shared sidebar, through Streamlit's AppTest."""
from tests.conftest import app_test


def run_app(**query):
    return app_test(**query)


def test_overview_renders_without_exception():
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "Why Transformers Replaced RNNs"
    assert len(at.dataframe) == 1
    assert at.sidebar.number_input(key="seed").value == 0


def test_tampered_seed_gets_a_message_not_a_traceback():
    at = run_app(seed="abc")
    assert not at.exception
    assert any("seed=abc" in w.value and "not a whole number" in w.value for w in at.sidebar.warning)
    assert at.sidebar.number_input(key="seed").value == 0


def test_out_of_range_seed_is_clamped_and_named():
    at = run_app(seed="-5")
    assert not at.exception
    assert any("clamped to 0" in w.value for w in at.sidebar.warning)


def test_unknown_device_falls_back():
    at = run_app(device="tpu")
    assert not at.exception
    assert any("device=tpu" in w.value for w in at.sidebar.warning)
    assert at.sidebar.selectbox(key="device").value in ("cpu", "cuda", "mps")


def test_seed_from_url_is_used():
    at = run_app(seed="42")
    assert at.sidebar.number_input(key="seed").value == 42
