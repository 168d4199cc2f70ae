"""Text from a visitor, shown as text: Streamlit renders messages as markdown, so echoed input is escaped."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them leaves no
# link, image, emphasis or HTML that a visitor's text could form.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolinks ignore those escapes: "https://…", "www.…" and "a@b.c" become links from plain text.
# A zero-width space after the scheme's colon, inside "www." and after "@" keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=w)(?=ww\.)|(?<=@)")
_ZERO_WIDTH = "\u200b"


def plain(text: str) -> str:
    """Markdown that shows ``text`` literally, on one line: no link, image, emphasis or HTML can form.

    >>> plain("[Sign in](https://x.example)") == "\\\\[Sign in\\\\]\\\\(https\\\\:\\u200b\\\\/\\\\/x\\\\.example\\\\)"
    True
    """
    text = _AUTOLINK.sub(lambda m: m.group(0) + _ZERO_WIDTH, " ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", text)


def code(text: str, limit: int = 40) -> str:
    """A visitor's value as inline code (nothing inside a code span is a link), cut to ``limit`` characters.

    >>> code("a`b")
    '`` a`b ``'
    """
    text = " ".join(str(text).split())[:limit]
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"
