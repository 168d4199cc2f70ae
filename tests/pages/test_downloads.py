"""Downloads made on a press (ui.downloads) outlive other sessions' runs until the browser has fetched them, with
Streamlit's own media store: a figure, a formula, a table or a recording."""

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from ui.downloads import PINNED, pinned


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


FILES = [  # what a press makes: bytes, or text that Streamlit stores as UTF-8
    (b"GIF89a: the playback", "image/gif", "descent.gif"),
    ("\\frac{\\partial f}{\\partial x} = 6 x + 2 y", "text/x-tex", "partials.tex"),
]


@pytest.mark.parametrize("pin", [False, True])
@pytest.mark.parametrize(("made", "mime", "name"), FILES)
def test_a_file_made_on_a_press_outlives_other_sessions_runs_until_it_is_fetched(pin, made, mime, name):
    """Regression: on a press Streamlit stores the file under no session, so two runs of any other session deleted
    it before the browser fetched it, and the download was cancelled (1 of 4 with three lecturers' live views)."""
    files = store()
    made_on_press = (lambda: pinned(made, mime, name, files)) if pin else (lambda: made)
    url = files.execute_deferred(files.add_deferred(made_on_press, mime, "1.(0).3", name))
    the_other_sessions_run_twice(files)
    expected = made.encode() if isinstance(made, str) else made
    assert fetch(files, url) == (expected if pin else None)


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
