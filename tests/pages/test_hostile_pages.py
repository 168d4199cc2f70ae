"""The hostile corpus fed to every page, as link parameters and as typed text: an error shown, nothing run."""

import pytest

from tests.hostile import hostile_strings
from tests.pages.conftest import assert_clean, open_page

PAGES = {
    "pages/partials.py": ["x0", "y0", "h", "plane", "range"],
    "pages/gradient.py": ["x0", "y0", "arrows", "norm", "theta", "range"],
    "pages/total_derivative.py": ["g", "x0", "range"],
    "pages/descent.py": ["x0", "y0", "opt", "lr", "steps", "momentum", "beta1", "eps", "log", "range"],
    "pages/regression.py": ["opt", "lr", "steps", "batch", "seed", "alpha", "tab"],
}
TEXT_BOXES = {
    "pages/partials.py": ["partials.expr"],
    "pages/gradient.py": ["gradient.expr"],
    "pages/total_derivative.py": ["total.expr", "total.g"],
    "pages/descent.py": ["descent.expr"],
}


@pytest.fixture
def canary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "canary"
    yield path
    assert not path.exists(), "a hostile string ran code"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_link_parameters_warn_and_fall_back(page, canary):
    for text in hostile_strings(str(canary)):
        query = {"f": "custom", "expr": text, "lecture": text}
        query |= dict.fromkeys(PAGES[page], text)
        at = open_page(page, query)
        assert_clean(at)
        messages = [w.value for w in at.warning] + [e.value for e in at.error]
        assert any("ignored" in m for m in messages), (text, messages)
        assert "Traceback" not in "".join(messages)


@pytest.mark.parametrize("page", list(TEXT_BOXES))
def test_hostile_text_input_shows_an_error_and_keeps_the_last_good_state(page, canary):
    at = open_page(page, {"f": "custom", "expr": "x^2 + y^2"})
    for key in TEXT_BOXES[page]:
        for text in hostile_strings(str(canary)):
            at.text_input(key=key).input(text[:200]).run()
            assert_clean(at)
            if text[:200].strip():
                assert at.error, (key, text)
        at.text_input(key=key).input("x^2 + y^2" if key.endswith(".expr") else "x^2").run()
        assert not at.error
