"""Article text made harmless for each output format that would otherwise act on it.

Display is escaped, storage is not: the index keeps article text byte-exact (offsets count
into it), and only what is shown goes through here. JSON needs none of this: its own escaping
carries every character as data. Each function takes text that strangers wrote.
"""
from __future__ import annotations

import re

# Control characters a terminal acts on: C0 (ESC ]0; sets the window title, ESC ]52; writes the
# clipboard, ESC ]8; hides a link, ESC [2J clears the screen, BS rubs out), DEL, C1 (0x9b is a
# one-byte ESC [), and the bidirectional embeddings, overrides and isolates, which reorder the
# characters a reader sees. Tab and line feed only move the cursor on, so they stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A carriage return, alone (old Mac files) or before a line feed (Windows), ends a line; alone
# in a terminal it would let the rest of a line print over its start.
_LINE_BREAK = re.compile("\r\n?")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """Text for a terminal: each control character shown as its escape (ESC as `\\x1b`, U+202E
    as `\\u202e`), carriage returns as line breaks; the text is otherwise unchanged."""
    return _CONTROL.sub(_shown, _LINE_BREAK.sub("\n", text))


def terminal_line(text: str) -> str:
    """A field that one line of output holds (an outlet, a title, a name): as terminal(), with
    line breaks shown as `\\n`, so that the field cannot start a line that looks like another."""
    return terminal(text).replace("\n", "\\n")


# Cells a spreadsheet evaluates as a formula (OWASP's CSV injection rule); a leading ' makes
# Excel, LibreOffice and Google Sheets show the cell as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet shows as text and a terminal as characters: a leading ' where
    the cell would start a formula, control characters as in terminal(). Numbers pass through."""
    if not isinstance(value, str):
        return value
    return terminal("'" + value if value.startswith(FORMULA_STARTS) else value)


# Markdown that article text could make live: HTML and autolinks (<script>, <img onerror=…>,
# <http://…>), and the marks a table (|), a code span (`, inside which escapes stop working) and a
# diff (~~deleted~~, **inserted**) are made of. A link or an image ([x](javascript:…),
# ![](http://tracker/…)) needs a `](`, and a reference link a definition, `[x]: URL`: that
# closing bracket is escaped, and the brackets of an editor's "[W]e" or "[…]" are left as they
# are. A backslash before ASCII punctuation shows it as itself in CommonMark and GitHub.
_MARKDOWN = re.compile(r"[\\`*~<|]|\](?=[(:])")
_ANY_LINE_BREAK = re.compile("\r\n?|\n")


def markdown(value) -> str:
    """A Markdown table cell or inline text that renders as the characters it holds: one line,
    Markdown's own characters backslash-escaped, control characters as in terminal()."""
    if value is None:
        return ""
    return terminal(_MARKDOWN.sub(r"\\\g<0>", _ANY_LINE_BREAK.sub(" ", str(value))))
