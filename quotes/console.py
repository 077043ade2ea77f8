"""What every command shares: a one-line error on stderr, and the --color/--no-color option.

Below cli.py and evaluate.py, so that `python -m quotes.evaluate` runs the very command that
`quotes evaluate` runs without importing the command line above it.
"""
from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from . import escape


def fail(message: str) -> NoReturn:
    """A one-line error a user can fix, on stderr; exit status 1."""
    click.echo(f"quotes: {escape.terminal(message)}", err=True)
    sys.exit(1)


def _set_color(ctx, param, value):
    if value is None and os.environ.get("NO_COLOR"):      # https://no-color.org: any non-empty value
        value = False
    ctx.color = value       # every click.echo of this command resolves its colour from this


def color_option(f):
    return click.option("--color/--no-color", default=None, expose_value=False, callback=_set_color,
                        is_eager=True, help="Colour even when piped (--color), or never (--no-color). "
                                            "Default: in a terminal, unless $NO_COLOR is set.")(f)
