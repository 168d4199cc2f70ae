"""Text from a visitor, shown as text: Streamlit renders messages as markdown, so echoed input is escaped."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them leaves no
# link, image, emphasis, HTML or autolink (a "https\:" or "www\." is not a link) that a visitor's text could form.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """Markdown that shows ``text`` literally, on one line.

    >>> plain("[Sign in](https://x.example)")
    '\\\\[Sign in\\\\]\\\\(https\\\\:\\\\/\\\\/x\\\\.example\\\\)'
    """
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
