"""Options shared by several commands (Annotated types for typer)."""

from __future__ import annotations

from typing import Annotated

import typer

from facesim.procedural_face import DEFAULT_N_VERTICES

Vertices = Annotated[int, typer.Option(min=200, help="Resolution of the built-in face (vertices).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite output files that exist.")]

DEFAULT_VERTICES = DEFAULT_N_VERTICES
