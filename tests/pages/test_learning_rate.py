"""The regression page's learning rate: 2/λmax shown, a warning before a run beyond it, standardized uploads."""

from __future__ import annotations

from tests.pages.conftest import assert_clean, figures, open_page, opened, texts

MODEL = "Fit a line to data"
HOURS = b"hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n6,74\n7,79\n8,85\n"


def test_an_ordinary_csv_at_the_default_rate_is_warned_about_before_the_run():
    at = open_page("pages/regression.py", {"tab": MODEL})
    at.file_uploader(key="regression.csv").upload("hours.csv", HOURS, "text/csv").run()
    assert_clean(at)
    warning = " ".join(w.value for w in at.warning)
    assert "2/λmax = 0.03802" in warning and "standardize x" in warning  # below η = 0.05
    assert any("Diverged" in e.value for e in at.error)


def test_standardizing_the_upload_makes_the_default_rate_stable_and_says_so():
    at = open_page("pages/regression.py", {"tab": MODEL})
    at.file_uploader(key="regression.csv").upload("hours.csv", HOURS, "text/csv").run()
    at.toggle(key="regression.std").set_value(True).run()
    assert_clean(at)
    assert not at.warning and not any("Diverged" in e.value for e in at.error)
    assert "The run uses standardized x′ = (x − 4.5) / 2.29" in texts(at)
    assert "2/λmax(H) = 1 (H = ∇²L" in texts(at)


def test_the_lesson_step_uses_the_rate_it_shows_and_draws_the_line_of_minima():
    at = open_page("pages/regression.py", {"lr": "0.05"})
    assert_clean(at)
    steps = at.dataframe[0].value.to_dict("records")  # plain GD from (1, 1) at η = 0.05: ∇L(1, 1) = (−4, −8)
    assert [(row["w₁"], row["w₂"], row["r = w₁ + 2w₂ − 5"]) for row in steps[:3]] == [
        ("1", "1", "−2"),
        ("1.2", "1.4", "−1"),
        ("1.3", "1.6", "−0.5"),
    ]
    assert "lr = 0.05" in opened(at, "regression.code")  # the snippet trains at the rate shown
    assert "η = 0.05" in texts(at) and "2/λmax(H) = 0.2" in texts(at)
    line = next(t for t in figures(at)[0]["data"] if str(t.get("name", "")).startswith("minima: the whole line"))
    assert line["y"] is not None and not any(t.get("name") == "known minima" for t in figures(at)[0]["data"])


def test_switching_to_the_fit_brings_its_own_rate():
    at = open_page("pages/regression.py")
    assert at.number_input(key="regression.lr").value == 0.1
    at.segmented_control(key="regression.tab").set_value(MODEL).run()
    assert at.number_input(key="regression.lr").value == 0.05
