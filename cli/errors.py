"""Turn engine errors into one line on stderr and exit code 2."""

from __future__ import annotations

import functools

import typer

from facesim.errors import FacesimError


def reports_errors(command):
    """Decorate a command so a FacesimError prints one line and exits with code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FacesimError as exc:
            typer.echo(f"facesim: error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper
