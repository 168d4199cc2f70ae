"""The descent page offers its playback as a GIF and an MP4 for slides, for a function it can draw."""

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from tests.pages.conftest import assert_clean, open_page
from ui.recording import PINNED, pinned


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


def store() -> MediaFileManager:
    """Streamlit's own media store, with one picture on a page."""
    files = MediaFileManager(MemoryMediaFileStorage("/media"))
    files.add(b"a picture on the page", "image/png", "1.(0).0")
    return files


def the_other_sessions_run_twice(files: MediaFileManager) -> None:
    """What two script runs of any other session do when they finish (in a class: a fragment every second)."""
    for _ in range(2):
        files.remove_orphaned_files()


def fetch(files: MediaFileManager, url: str) -> bytes | None:
    file = files.read_file(url.rsplit("/", 1)[-1].split(".", maxsplit=1)[0])
    return None if file is None else file.content


@pytest.mark.parametrize("pin", [False, True])
def test_a_recording_made_on_a_press_outlives_other_sessions_runs_until_it_is_fetched(pin):
    """Regression: on a press Streamlit stores the file under no session, so two runs of any other session deleted
    it before the browser fetched it, and the download was cancelled (1 of 4 with three lecturers' live views)."""
    files = store()
    made = b"GIF89a: the playback"
    made_on_press = (lambda: pinned(made, "image/gif", "descent.gif", files)) if pin else (lambda: made)
    deferred = files.add_deferred(made_on_press, "image/gif", "1.(0).3", "descent.gif")
    url = files.execute_deferred(deferred)
    the_other_sessions_run_twice(files)
    assert fetch(files, url) == (made if pin else None)


def test_only_the_last_few_recordings_are_kept():
    files = store()
    urls = [
        files.execute_deferred(
            files.add_deferred(
                lambda k=k: pinned(f"recording {k}".encode(), "image/gif", "descent.gif", files),
                "image/gif",
                f"1.{k}",
                "descent.gif",
            )
        )
        for k in range(PINNED + 2)
    ]
    the_other_sessions_run_twice(files)
    kept = [fetch(files, url) is not None for url in urls]
    assert kept == [False] * 2 + [True] * PINNED
