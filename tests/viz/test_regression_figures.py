"""The regression page's epoch figure: loss against epochs for each batch size, with the epochs' boundaries marked."""

import numpy as np
import pytest

from core.regression import compare_batches, compared_batch_sizes, least_squares, make_dataset, mse_loss
from viz.regression import epochs_figure


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_batch_sizes_are_compared_on_the_same_data_by_epochs():
    data = make_dataset(seed=0)
    runs = compare_batches(data, (0.0, 0.0), epochs=5, lr=0.05, seed=2)
    assert list(runs) == ["batch size 1", "batch size 8", "full batch (40)"]
    assert [per for _, per in runs.values()] == [40, 5, 1]
    assert [len(t.values) for t, _ in runs.values()] == [201, 26, 6]
    target = least_squares(data)
    floor = mse_loss(data)(*target)
    fig = epochs_figure({k: t for k, (t, _) in runs.items()}, {k: p for k, (_, p) in runs.items()}, floor)
    one = trace(fig, "batch size 1")
    assert np.allclose(one.x, np.arange(201) / 40)
    assert np.array_equal(one.y, runs["batch size 1"][0].values)
    starts = trace(fig, "batch size 1: start of each epoch")
    assert list(starts.x) == [0, 1, 2, 3, 4, 5]
    assert list(trace(fig, "full batch (40)").x) == [0, 1, 2, 3, 4, 5]
    # a dotted line at the end of each epoch
    assert [s.x0 for s in fig.layout.shapes] == [1, 2, 3, 4, 5]
    assert list(trace(fig, "least-squares loss").y) == pytest.approx([floor, floor])
    assert fig.layout.yaxis.type == "log"


@pytest.mark.parametrize(("n", "middle"), [(40, 8), (12, 3), (5, 2), (4, 2)])
def test_the_middle_batch_size_lies_between_one_and_the_full_batch(n, middle):
    assert compared_batch_sizes(n) == (1, middle, None)
    assert 1 < middle < n
