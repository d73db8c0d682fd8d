"""`facesim mesh ...`: face mesh files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from facesim.face_io import landmarks_path, save_face
from facesim.outputs import check_writable
from facesim.procedural_face import build_face

from .errors import reports_errors
from .options import DEFAULT_VERTICES, Force, Vertices

mesh_app = typer.Typer(help="Face meshes: export the built-in face.", no_args_is_help=True)


@mesh_app.command("export-builtin")
@reports_errors
def export_builtin(
    out: Annotated[Path, typer.Option(help="Mesh file to write (.ply, .obj, .stl, .off).")] = Path(
        "meshes/builtin-face.ply"
    ),
    vertices: Vertices = DEFAULT_VERTICES,
    force: Force = False,
) -> None:
    """Write the built-in procedural face and its landmarks JSON (regenerates meshes/)."""
    check_writable(out, force)
    check_writable(landmarks_path(out), force)
    face = build_face(vertices)
    mesh_path, lm_path = save_face(face, out, note=f"facesim built-in procedural face, vertices={vertices}")
    typer.echo(f"wrote {mesh_path} ({face.n_vertices} vertices) and {lm_path}")
