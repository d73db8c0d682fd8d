"""The facesim command-line app.

Importing this module imports typer and the command modules only; each
command imports the engine (numpy, scipy, numba, pyvista) when it runs, so
``facesim --help`` and ``facesim --version`` start fast. Help texts are
printed as written (no rich markup, so ``[[injection]]`` shows), and every
error, typer's own included, is one line on stderr (cli/errors.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from facesim import DISCLAIMER, __version__

from .assess import assess
from .demo import demo
from .group import FacesimGroup
from .landmarks import landmarks
from .mesh import mesh_app
from .plan import plan
from .render import render
from .report import report
from .simulate import simulate
from .train import train

app = typer.Typer(
    name="facesim",
    cls=FacesimGroup,
    help=f"Simulate how BoNT-A, filler and other corrections shift the balance of the mouth corners.\n\n{DISCLAIMER}",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"facesim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """facesim: injection-planning simulation for asymmetric smiles."""


# In the order of the clinic's workflow: find the landmarks, measure, simulate, plan, show.
app.command()(demo)
app.command()(landmarks)
app.command()(assess)
app.command()(simulate)
app.command()(plan)
app.command()(render)
app.command()(report)
app.command()(train)
app.add_typer(mesh_app, name="mesh")
