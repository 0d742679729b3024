"""Make user-supplied text inert before it is echoed into markdown.

Anything that came from a link, a text box or an uploaded file and is shown in
`st.markdown`/`st.warning`/`st.error`/`st.info`/captions goes through `inert`
first: every ASCII punctuation character is backslash-escaped (CommonMark allows
it for all of them), so no link, image, emphasis, code span, maths, HTML or
Streamlit directive (`:red[...]`, `:material/...:`) can form, and the text reads
exactly as typed. Newlines become spaces and the length is capped.
"""
from __future__ import annotations

import string

_PUNCT = set(string.punctuation)
MAX_ECHO = 60


def inert(text: object, limit: int = MAX_ECHO) -> str:
    """`text` as literal, markdown-safe characters, cut to `limit` characters (… marks a cut)."""
    s = str(text)
    cut = len(s) > limit
    s = s[:limit]
    out = []
    for ch in s:
        if ch in "\r\n\t\v\f":
            out.append(" ")
        elif ch in _PUNCT:
            out.append("\\" + ch)
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\N{REPLACEMENT CHARACTER}")
        else:
            out.append(ch)
    return "".join(out) + ("…" if cut else "")


def quoted(text: object, limit: int = MAX_ECHO) -> str:
    """`inert(text)` between typographic quotes, for messages such as: the link's “abc” is not a number."""
    return f"“{inert(text, limit)}”"
