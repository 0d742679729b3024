"""core.frames: the matrix → tidy frame adapter and block means, against plain numpy."""
import numpy as np
import pandas as pd
import pytest

from core.frames import block_frame, block_mean, matrix_frame


def test_matrix_frame_is_row_major_with_labels():
    m = np.arange(6.0).reshape(2, 3)
    df = matrix_frame(m, "query", "key", "weight", row_labels=["a", "b"], col_labels=["x", "y", "z"])
    assert list(df.columns) == ["query", "key", "weight", "query_label", "key_label"]
    assert len(df) == 6
    assert df.weight.tolist() == m.ravel().tolist()
    row = df[(df["query"] == 1) & (df["key"] == 2)].iloc[0]
    assert row.weight == 5.0 and row.query_label == "b" and row.key_label == "z"


def test_matrix_frame_rejects_wrong_label_counts_and_shapes():
    with pytest.raises(ValueError, match="labels"):
        matrix_frame(np.zeros((2, 2)), "r", "c", row_labels=["a"])
    with pytest.raises(ValueError, match="2-D"):
        matrix_frame(np.zeros(3), "r", "c")


def test_block_mean_averages_only_real_cells():
    m = np.arange(25.0).reshape(5, 5)
    agg, br, bc = block_mean(m, 2)
    assert (br, bc) == (3, 3) and agg.shape == (2, 2)
    assert agg[0, 0] == pytest.approx(m[:3, :3].mean())
    assert agg[1, 1] == pytest.approx(m[3:, 3:].mean())
    same, br, bc = block_mean(m, 64)
    assert (br, bc) == (1, 1) and np.array_equal(same, m)


def test_block_mean_caps_both_axes():
    agg, br, bc = block_mean(np.ones((500, 300)), 64)
    assert agg.shape[0] <= 64 and agg.shape[1] <= 64 and np.allclose(agg, 1.0)
    with pytest.raises(ValueError):
        block_mean(np.ones((2, 2)), 0)


def test_block_frame_spans_cover_the_matrix():
    m = np.arange(70.0).reshape(7, 10)
    df, br, bc = block_frame(m, "t", "unit", 4)
    assert (br, bc) == (2, 3)
    assert df.t.min() == 0 and df.t_to.max() == 6 and df.unit_to.max() == 9
    first = df.iloc[0]
    assert first.value == pytest.approx(m[:2, :3].mean())


def test_records_keep_every_digit_and_write_nan_as_null():
    """The oracle is the frame itself: JSON text from `records` parses back to the same floats."""
    import json

    from core.frames import records

    df = pd.DataFrame({"norm": [7.84e-15, 4.12150434847032e-05, 1.0e300], "k": np.array([1, 2, 3], np.int64),
                       "p": [np.nan, 0.5, 0.25], "name": ["a", "b", "c"]})
    back = json.loads(json.dumps(records(df)))
    assert [r["norm"] for r in back] == df["norm"].tolist()
    assert [r["k"] for r in back] == [1, 2, 3] and [r["name"] for r in back] == ["a", "b", "c"]
    assert back[0]["p"] is None and back[1]["p"] == 0.5
    # what pandas' own encoder does to the same column (the bug this replaced)
    assert json.loads(df.to_json(orient="records"))[0]["norm"] == 0.0
