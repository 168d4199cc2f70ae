"""bench/floor_app.py, the floor of `python -m bench.browser`: one slider and one chart, and what its link adds."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from bench.apptest import charts
from bench.harness import FLOOR_SLIDER, ROOT


def floor_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "bench" / "floor_app.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def title(at: AppTest) -> str:
    (chart,) = charts(at)
    return json.loads(chart.proto.bytes)["figure"]["layout"]["title"]["text"]


def test_the_bare_floor_is_one_slider_and_one_chart_that_follows_it():
    at = floor_page()
    assert not at.exception
    assert [s.key for s in at.slider] == [FLOOR_SLIDER]
    assert title(at) == "sin(x + v), v = 5.0"
    at.slider(key=FLOOR_SLIDER).set_value(7.3).run()
    assert title(at) == "sin(x + v), v = 7.3"
    assert not at.caption and not at.markdown and not at.number_input


def test_the_link_adds_captions_formulas_and_inputs_the_slider_leaves_alone():
    at = floor_page(captions="3", formulas="2", inputs="4")
    assert [c.value for c in at.caption] == ["Caption 0.", "Caption 1.", "Caption 2."]
    (markdown,) = at.markdown
    assert markdown.value.count("$$") == 4 and r"\partial w_{1}" in markdown.value
    assert len(at.number_input) == 4
    before = ([c.value for c in at.caption], markdown.value)
    at.slider(key=FLOOR_SLIDER).set_value(2.0).run()
    assert ([c.value for c in at.caption], at.markdown[0].value) == before


@pytest.mark.parametrize(("asked", "drawn"), [("999", 200), ("-3", 0), ("many", 0), ("", 0), ("²", 0)])
def test_a_count_in_the_link_is_a_whole_number_up_to_200(asked, drawn):
    assert len(floor_page(captions=asked).caption) == drawn
