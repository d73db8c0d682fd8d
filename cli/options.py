"""Options and arguments shared by several commands (Annotated types for typer), and their parsing.

Nothing here imports the engine at import time, so ``facesim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from facesim.errors import InputError

#: The built-in face's default resolution; equals facesim.face.builtin.DEFAULT_N_VERTICES (a test checks),
#: written out here so that showing it in --help does not import the engine.
DEFAULT_VERTICES = 21000

#: The finest built-in face the commands build (vertices); README, input limits.
MAX_VERTICES = 100_000
#: The days a command reports on (days since the first treatment); README, input limits.
MAX_DAY = 730.0

Vertices = Annotated[int, typer.Option(min=200, max=MAX_VERTICES, help="Resolution of the built-in face (vertices).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite output files that exist.")]
AllowHighDose = Annotated[bool, typer.Option("--allow-high-dose",
                                             help="Allow doses above the per-site maximum (with a warning).")]
VerticesOverride = Annotated[int | None, typer.Option(min=200, max=MAX_VERTICES, help="Resolution of the built-in face, vertices "
                                                                     "(overrides the scenario).")]
ClinicianOverride = Annotated[bool, typer.Option(
    "--clinician-override", help="Run a patient with red flags anyway (a clinician who has seen the referral); "
                                 "every output is labelled. Without it such a scenario is refused (exit code 3).")]
PhotoFace = Annotated[int | None, typer.Option(
    "--face", min=1, help="Which face to measure when a photo has several (1 = the viewer's leftmost).")]
NoMirror = Annotated[bool, typer.Option(
    "--no-mirror", help="Do not average each photo with its mirror image (it cancels the detector's side bias).")]
ScenarioArg = Annotated[Path, typer.Argument(
    metavar="SCENARIO",
    help="Scenario TOML file, or the name of a bundled case (facesim train --list), e.g. b_overtoned_dao_rest; "
         "see scenarios/README-example.toml.")]


def scenario_path(given: Path) -> Path:
    """The scenario file ``given`` names: the path itself, or a bundled case's file by its name.

    A path that exists, or that looks like a path (a suffix or a folder), is
    returned as it is, so the scenario reader reports a missing file.
    """
    if given.exists() or given.suffix or len(given.parts) > 1:
        return given
    from facesim.training.cases import SCENARIOS_DIR, bundled_names

    names = bundled_names()
    if str(given) in names:
        return SCENARIOS_DIR / f"{given}.toml"
    from difflib import get_close_matches

    hint = get_close_matches(str(given), names, n=1, cutoff=0.4)
    fix = f"did you mean '{hint[0]}'?" if hint else "facesim train --list lists the bundled cases"
    raise InputError(f"{given}: no such scenario file or bundled case; give a .toml file or a bundled name ({fix})")


def parse_days(text: str | None) -> list[float] | None:
    """``"0,7,14"`` -> [0.0, 7.0, 14.0]; None stays None."""
    if text is None:
        return None
    try:
        days = [float(d) for d in text.split(",") if d.strip()]
    except ValueError:
        raise InputError(f"--days {text!r}: give day numbers separated by commas, e.g. --days 0,14,90") from None
    if not days:
        raise InputError("--days: give at least one day, e.g. --days 0,14,90")
    bad = [d for d in days if not -MAX_DAY <= d <= MAX_DAY]  # also nan and inf
    if bad:
        raise InputError(f"--days {text!r}: {bad[0]:g} is outside days -{MAX_DAY:g} to {MAX_DAY:g} (days since the "
                         "first treatment); e.g. --days 0,14,90")
    return sorted(set(days))


def comma_list(text: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ("a", "b", "c"); None or empty -> ()."""
    return tuple(s.strip() for s in text.split(",") if s.strip()) if text else ()
