"""AppTest for the regression page's data handling and its comparison of batch sizes by epochs."""

import numpy as np

from core.regression import fit, make_dataset
from tests.pages.conftest import assert_clean, figures, open_page, texts
from ui import cache

MODEL = "Fit a line to data"
GOOD = b"x,y\r0,1\r1,3\r2,5\r3,7\r"  # old Mac line endings


def upload(at, content):
    at.file_uploader(key="regression.csv").upload("data.csv", content, "text/csv").run()
    assert_clean(at)
    return at


def test_a_bad_upload_after_a_good_one_keeps_the_good_data():
    """issue 13: a bad CSV after a good one fell back to the generated data."""
    at = open_page("pages/regression.py", {"tab": MODEL})
    upload(at, GOOD)
    assert "uploaded CSV (4 rows)" in texts(at)
    upload(at, b"x,y\n1,zz\n2,3\n3,4\n")
    assert any("CSV not used" in e.value and "last good upload stays in use" in e.value for e in at.error)
    assert "uploaded CSV (4 rows)" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["w₁ (target)"], metrics["w₂ (target)"]) == ("2", "1")


def test_an_upload_error_shows_its_cell_as_plain_text():
    at = open_page("pages/regression.py", {"tab": MODEL})
    upload(at, b"x,y\n1,[a](http://b.example)\n2,3\n3,4\n")
    message = next(e.value for e in at.error if "CSV not used" in e.value)
    assert "\\[a\\]" in message and "generated dataset stays in use" in message


def test_batch_sizes_are_compared_by_epochs_on_the_page():
    at = open_page("pages/regression.py", {"tab": MODEL, "opt": "gd", "lr": "0.05"})
    assert "Batch sizes compared" in texts(at)
    epochs = next(f for f in figures(at) if "epoch" in str(f["layout"].get("title", "")).lower())
    names = [t["name"] for t in epochs["data"] if t.get("showlegend", True) is not False]
    assert names == ["batch size 1", "batch size 8", "full batch (40)", "least-squares loss"]
    assert len(epochs["layout"]["shapes"]) == 10  # one dotted line per epoch's end


def test_a_fit_is_computed_once_per_view_and_is_the_core_fit():
    """The steps slider moved back to a value costs nothing: the cached run, equal to core.regression.fit's."""
    data = make_dataset(seed=3)
    first = cache.fit(data, (0.5, -1.0), "adam", 0.05, 40, None, 3, {"beta1": 0.8})
    assert cache.fit(data, (0.5, -1.0), "adam", 0.05, 40, None, 3, {"beta1": 0.8}) is first
    reference = fit(data, (0.5, -1.0), optimizer="adam", lr=0.05, steps=40, seed=3, beta1=0.8)
    np.testing.assert_array_equal(first.points, reference.points)
    assert not first.points.flags.writeable  # shared by every session: read-only
    mini = cache.fit(data, (0.5, -1.0), "adam", 0.05, 40, 4, 3, {"beta1": 0.8})
    np.testing.assert_array_equal(mini.points, fit(data, (0.5, -1.0), "adam", 0.05, 40, 4, 3, beta1=0.8).points)
    assert not np.array_equal(mini.points, first.points)  # another batch size, another run
