"""The descent page offers its playback as a GIF and an MP4 for slides, for a function it can draw."""

from tests.pages.conftest import assert_clean, open_page


def labels(at) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_a_two_variable_descent_offers_both_recordings():
    at = open_page("pages/descent.py", {"f": "himmelblau", "steps": "300"})
    assert_clean(at)
    assert {"🎞 GIF for slides", "🎬 MP4 video"} <= set(labels(at))
    assert any("121 frames of 960×540" in c.value for c in at.caption)  # 300 steps, sampled to the bound


def test_without_a_map_there_is_nothing_to_record():
    at = open_page("pages/descent.py", {"f": "custom", "expr": "(w1 + 2w2 + 3w3 - 6)^2"})
    assert_clean(at)
    assert not {"🎞 GIF for slides", "🎬 MP4 video"} & set(labels(at))


def test_the_backprop_walk_through_offers_both_recordings():
    at = open_page("pages/backprop.py", {"model": "2-2-1"})
    assert_clean(at)
    assert {"🎞 GIF for slides", "🎬 MP4 video"} <= set(labels(at))
    assert any("26 frames of 960×540, a step a second" in c.value for c in at.caption)
