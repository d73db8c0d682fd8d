"""`facesim mesh ...`: face mesh files."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .console import streams
from .group import FacesimGroup
from .options import DEFAULT_VERTICES, Force, Vertices

mesh_app = typer.Typer(help="Face meshes: export the built-in face; check and import a patient's scan.",
                       cls=FacesimGroup, no_args_is_help=True, rich_markup_mode=None)


def _check_face_outputs(out: Path, force: bool) -> None:
    """A face file and its landmarks JSON beside it: refuse either if it exists, unless ``force``."""
    from facesim.face.files import landmarks_path
    from facesim.outputs import check_outputs, check_suffix

    check_suffix(out, (".ply", ".obj", ".stl", ".off"))
    check_outputs((out, landmarks_path(out)), force)


def _save(face, out: Path, note: str, report_lines=()) -> None:
    """Write the face file and its landmarks; the report on stdout, "wrote ..." on stderr."""
    from facesim.face.files import save_face

    mesh_path, lm_path = save_face(face, out, note=note)
    io = streams()
    for line in report_lines:
        typer.echo(line)
    io.wrote(f"{mesh_path} ({face.n_vertices} vertices)", lm_path)


@mesh_app.command("export-builtin")
def export_builtin(
    out: Annotated[Path, typer.Option(help="Mesh file to write (.ply, .obj, .stl, .off).")] = Path(
        "meshes/builtin-face.ply"
    ),
    vertices: Vertices = DEFAULT_VERTICES,
    force: Force = False,
) -> None:
    """Write the built-in procedural face and its landmarks JSON (regenerates meshes/)."""
    from facesim.face.builtin import build_face

    _check_face_outputs(out, force)
    _save(build_face(vertices), out, note=f"facesim built-in procedural face, vertices={vertices}")


class Units(str, Enum):
    auto = "auto"
    mm = "mm"
    cm = "cm"
    m = "m"
    inch = "in"


MeshFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Scan: .obj, .ply, .stl, .glb or .off.")]
LandmarkFile = Annotated[
    Path,
    typer.Option(
        "--landmarks",
        exists=True,
        dir_okay=False,
        help="Landmarks JSON: named vertex ids or points (a facesim .landmarks.json), or 68 iBUG vertex ids.",
    ),
]
UnitsOption = Annotated[Units, typer.Option(help="Units of the scan; auto reads them from the pupil distance.")]
KeepVertices = Annotated[
    str | None,
    typer.Option(help="Keep only faces whose vertex ids lie in START:STOP (drop eyes, teeth ...), e.g. 0:11248."),
]
Decimate = Annotated[int | None, typer.Option(min=500, help="Decimate to about this many vertices.")]


def _import(mesh: Path, landmarks: Path, units: Units, keep_vertices: str | None, decimate: int | None):
    from facesim.scan.importer import import_face, parse_vertex_range

    from facesim.scan.acceptance import check_own_asymmetry

    keep = parse_vertex_range(keep_vertices) if keep_vertices else None
    result = import_face(mesh, landmarks, units=units.value, keep_vertices=keep, decimate_to=decimate)
    check_own_asymmetry(result.face, result.report)
    return result


@mesh_app.command("check")
def check(
    mesh: MeshFile,
    landmarks: LandmarkFile,
    units: UnitsOption = Units.auto,
    keep_vertices: KeepVertices = None,
) -> None:
    """Report what a scan holds, what is wrong with it and what an import would do."""
    result = _import(mesh, landmarks, units, keep_vertices, None)
    for line in result.report.lines():
        typer.echo(line)


@mesh_app.command("import")
def import_mesh(
    mesh: MeshFile,
    landmarks: LandmarkFile,
    out: Annotated[Path, typer.Option(help="Face file to write (.ply recommended), e.g. meshes/NAME.ply.")],
    units: UnitsOption = Units.auto,
    keep_vertices: KeepVertices = None,
    decimate: Decimate = None,
    force: Force = False,
) -> None:
    """Import a patient's scan: repair, orient to facesim's axes in mm, cut the mouth, write a face file."""
    _check_face_outputs(out, force)
    result = _import(mesh, landmarks, units, keep_vertices, decimate)
    _save(result.face, out, f"imported from {mesh.name} with landmarks {landmarks.name}", result.report.lines())


@mesh_app.command("import-ict")
def import_ict_face(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="The ICT-FaceKit folder.")],
    out: Annotated[Path, typer.Option(help="Face file to write, e.g. meshes/ict.ply.")],
    decimate: Decimate = None,
    force: Force = False,
) -> None:
    """Import the ICT-FaceKit neutral face (skin only, its 68 landmarks)."""
    from facesim.scan.acceptance import check_own_asymmetry
    from facesim.scan.ict import import_ict

    _check_face_outputs(out, force)
    result = import_ict(directory, decimate_to=decimate)
    check_own_asymmetry(result.face, result.report)
    _save(result.face, out, "ICT-FaceKit generic neutral face (USC ICT, MIT licence), skin vertices 0-11247",
          result.report.lines())


@mesh_app.command("calibrate-ict")
def fit_ict(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="The ICT-FaceKit folder.")],
    out: Annotated[Path | None, typer.Option(help="Anatomy file to write (.toml) with the fitted muscles.")] = None,
    evaluations: Annotated[int, typer.Option(min=7, help="Objective evaluations per fitted muscle.")] = 400,
    check_builtin: Annotated[
        bool, typer.Option(help="Keep only fitted muscles that keep the built-in face's acceptance (smile 8-10 mm, "
                                "45-50 deg; rest < 1.5 mm; sidedness).")
    ] = True,
    force: Force = False,
) -> None:
    """Fit zygomaticus major, DAO and DLI placement to ICT's FACS shapes; report angles and field cosines."""
    from facesim.outputs import check_writable, write_text
    from facesim.scan.acceptance import accepted_anatomy, builtin_acceptance
    from facesim.scan.anatomy_file import anatomy_toml
    from facesim.scan.facs_fit import fit_ict as fit

    if out is not None:
        check_writable(out, force)
    calibration = fit(directory, max_evaluations=evaluations)
    lines = calibration.lines()
    for line in lines:
        typer.echo(line)
    anatomy, kept = calibration.anatomy, tuple(f.name for f in calibration.fits)
    if check_builtin:
        typer.echo(f"built-in face, start anatomy: {builtin_acceptance(calibration.start).line()}")
        anatomy, kept, check = accepted_anatomy(calibration)
        typer.echo(f"built-in face, kept fitted muscles ({', '.join(kept) or 'none'}): {check.line()}")
    if out is not None:
        header = ["Anatomy fitted to ICT-FaceKit FACS shapes (facesim mesh calibrate-ict).",
                  f"Fitted muscles kept: {', '.join(kept) or 'none'}.", "Before -> after:"] + lines
        write_text(out, anatomy_toml(anatomy, header))
        streams().wrote(out)
