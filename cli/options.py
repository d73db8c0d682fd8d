"""Options shared by several commands (Annotated types for typer)."""

from __future__ import annotations

from typing import Annotated

import typer

from facesim.face.builtin import DEFAULT_N_VERTICES

Vertices = Annotated[int, typer.Option(min=200, help="Resolution of the built-in face (vertices).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite output files that exist.")]

DEFAULT_VERTICES = DEFAULT_N_VERTICES
AllowHighDose = Annotated[bool, typer.Option("--allow-high-dose",
                                             help="Allow doses above the per-site maximum (with a warning).")]
VerticesOverride = Annotated[int | None, typer.Option(min=200, help="Resolution of the built-in face (overrides "
                                                                     "the scenario).")]
