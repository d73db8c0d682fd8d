"""Options and arguments shared by several commands (Annotated types for typer), and their parsing.

Nothing here imports the engine at import time, so ``facesim --help`` stays fast.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
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
PlanOption = Annotated[Path | None, typer.Option(
    "--plan", help='Plan JSON replacing the scenario\'s planned injections: '
                   '{"injections": [{"site": "dao_right", "units": 2, "day": 0}]} '
                   '(keys as in [[injection]]; units in U, day in days), or a plan.json of facesim plan.')]
ScenarioArg = Annotated[Path, typer.Argument(
    metavar="SCENARIO",
    help="Scenario TOML file, or the name of a bundled case (facesim train --list), e.g. b_overtoned_dao_rest; "
         "see scenarios/README-example.toml.")]


@dataclass(frozen=True)
class PageRequest:
    """What a command that writes one HTML page of a scenario (``report``, ``view``) was given."""

    scenario: Path
    out: Path
    plan: Path | None
    force: bool
    allow_high_dose: bool
    vertices: int | None
    clinician_override: bool
    photo: Path | None = None  # report only: the patient's frontal photo at rest


def _page_parameters(scenario: ScenarioArg, out: Path, plan: PlanOption = None, force: Force = False,
                     allow_high_dose: AllowHighDose = False, vertices: VerticesOverride = None,
                     clinician_override: ClinicianOverride = False) -> None:
    """The one parameter list of the page commands (:func:`page_command`)."""


PhotoOption = Annotated[Path | None, typer.Option(
    "--photo", help="The patient's frontal photo at rest (JPEG/PNG/HEIC): the pictures' days are also shown on "
                    "that photo (simulated ones watermarked).")]


def page_command(out_help: str, photo: bool = False):
    """Decorator: ``body(request: PageRequest)`` becomes a typer command with the page commands' parameters
    (SCENARIO, ``--out`` with ``out_help``, ``--plan``, ``--force``, ``--allow-high-dose``, ``--vertices``,
    ``--clinician-override``, and with ``photo`` ``--photo``); the command's help is ``body``'s docstring."""
    def wrap(body):
        sig = inspect.signature(_page_parameters, eval_str=True)
        out = Annotated[Path, typer.Option(help=out_help)]
        params = [p.replace(annotation=out) if p.name == "out" else p for p in sig.parameters.values()]
        if photo:
            params.append(inspect.Parameter("photo", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                            annotation=PhotoOption))

        def command(**given) -> None:
            body(PageRequest(**given))

        command.__name__, command.__doc__, command.__module__ = body.__name__, body.__doc__, body.__module__
        command.__signature__ = sig.replace(parameters=params)
        return command
    return wrap


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


def load_spec(given: Path, plan: Path | None, allow_high_dose: bool, clinician_override: bool, command: str):
    """The scenario (or patient file) ``given`` names, its planned injections replaced by ``plan``'s when
    given; with ``clinician_override`` a referred patient's treatment story, labelled for ``command``."""
    from facesim.report.plan_file import scenario_with_plan
    from facesim.scenario.case import load_scenario

    path = scenario_path(given)
    spec = load_scenario(path, allow_high_dose) if plan is None else scenario_with_plan(path, plan, allow_high_dose)
    return path, spec.treatment_story(True, command) if clinician_override else spec


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
