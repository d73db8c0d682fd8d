"""`facesim train`: practise on a case, get an honest score and feedback against the conservative plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from facesim.errors import InputError

from .console import escape, streams
from .options import VerticesOverride

T = TypeVar("T")
GENERATED_NAMES = ("generated: random-<seed> (any kind), practice-<n>; by kind (the kind is then known): "
                   "muscular-<seed>, skeletal-<seed>, habit-<seed>, neurogenic-<seed>, balanced-<seed>")
PICTURES = ("case.png", "compare.png")
CASE_HELP = ("A case by its neutral name: case-<n> (bundled, see --list), random-<seed> or practice-<n>; or, for a "
             "trainer, a bundled file stem or its letter (b, c1), or <kind>-<seed> with kind muscular, skeletal, habit, "
             "neurogenic or balanced. The real name is shown after the answer.")
SITE_HELP = ("a named site (dao_right), a shifted site (dao_right shift -10,0,0 = 10 mm medial), "
             "a landmark + offset (cheilion_right 4.3,-25,0) or a point (point -31.3,-45,0); empty when done")


def _ask(prompt: str, parse: Callable[[str], T], default: str | None = None) -> T:
    """Prompt until ``parse`` accepts the text; its InputError is shown and the question asked again."""
    while True:
        text = typer.prompt(prompt, default=default, show_default=default not in (None, ""), err=True)
        try:
            return parse(text)
        except InputError as exc:
            typer.echo(f"  {exc}; try again", err=True)


def _units(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"units {text!r} is not a number; give a dose such as 2.5") from None


def prompt_answer():
    """Ask for the cause, the plan and (for toxin) each shot at prompts (on stderr); bad entries are asked again."""
    from facesim.training.answer import Answer, parse_shots, path_name, paths
    from facesim.training.cases import CAUSES, cause_name
    from facesim.treatment.bont import product as find_product

    cause = _ask(f"Cause type ({', '.join(CAUSES)})", cause_name)
    plan = _ask(f"Plan ({', '.join(paths())})", path_name)
    if plan != "inject":
        return Answer(cause, plan)
    prod = _ask("Product", lambda t: find_product(t).name, default="onabotulinumtoxinA")
    shots: list = []
    typer.echo(f"Sites: {SITE_HELP}.", err=True)
    while True:
        site = _ask(f"Injection {len(shots) + 1} site", _site_keys(prod, bool(shots)), default="")
        if site is None:
            return Answer(cause, plan, tuple(shots))
        shot = _ask("  units", 
                    lambda t, site=site: parse_shots([{**site, "units": _units(t), "product": prod}], "your shot")[0])
        shots.append(shot)


def _site_keys(prod: str, may_stop: bool) -> Callable[[str], dict | None]:
    from facesim.training.answer import parse_shots, parse_site_text

    def parse(text: str) -> dict | None:
        if not text.strip():
            if may_stop:
                return None
            raise InputError("give at least one site (or answer a plan other than inject)")
        keys = parse_site_text(text)
        parse_shots([{**keys, "units": 1.0, "product": prod}], "your shot")  # checks the site now
        return keys
    return parse


def _choose_case(case: str | None, random_: bool, seed: int):
    from facesim.training.cases import find_case, random_case

    if case and random_:
        raise InputError("give --case NAME or --random, not both")
    return find_case(case) if case else random_case(seed)


def train(
    case: Annotated[str | None, typer.Option(help=CASE_HELP)] = None,
    random_: Annotated[bool, typer.Option("--random", help="A generated case of a kind drawn from --seed "
                                                           "(the default when --case is not given).")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the generated case and of the uncertainty samples.")] = 0,
    answer: Annotated[Path | None, typer.Option(exists=True, dir_okay=False,
                                                help="Answer file (TOML or JSON) instead of prompts; see below.")] = None,
    log: Annotated[Path | None, typer.Option(dir_okay=False, help="Session log (JSON): the attempt is appended "
                                                                  "and per-skill summaries updated.")] = None,
    pictures: Annotated[bool | None, typer.Option("--pictures/--no-pictures",
                                                  help="Render the case and both plans (default: on at prompts, "
                                                       "off with --answer).")] = None,
    out: Annotated[Path | None, typer.Option(file_okay=False, help="Directory for pictures and result.json "
                                                                   "(default for pictures: facesim-out/train/<case>).")]
    = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite result.json and pictures that exist (the log is "
                                                        "always appended to).")] = False,
    samples: Annotated[int | None, typer.Option(min=1, help="Uncertainty samples (default 200).")] = None,
    vertices: VerticesOverride = None,
    list_cases: Annotated[bool, typer.Option("--list", help="List the bundled cases (neutral names) and exit.")] = False,
) -> None:
    """Practise on a case: see the patient, answer the cause and a plan, get a score (0-100) and feedback against the reference conservative plan. Every path but refer and orthodontic is simulated. Injecting a neurogenic case, or above a per-site maximum, scores 0; the wrong side, a certain complication or toxin for a habit, a jaw or a droop scores low.

    \b
    Answer file (TOML, or JSON with the same keys):
      cause = "muscular"   # muscular | skeletal | habit | neurogenic | iatrogenic | tissue | none
      plan = "inject"      # inject | no injection | refer | orthodontic | filler | lift |
                           # habit correction | re-education | wait
      [[injection]]        # as in a scenario: site | landmark + offset_mm | point_mm; units; product
      site = "dao_right"   # optional: shift_mm = [lateral, superior, anterior]; target = muscle id
      units = 2.5
      # plan = "lift": [[corner_lift]] side, lift_mm; plan = "filler": [[filler]] site, offset_mm, volume_ml
    """
    from facesim.outputs import write_json
    from facesim.planning.planner import PlannerSettings
    from facesim.simulation.timeline import build_model
    from facesim.training.score import CaseEvaluator
    from facesim.training.session import case_view

    io = streams()
    if list_cases:
        return print_case_names(io.data)
    chosen, given, targets = _prepare(case, random_, seed, answer, pictures, out, force, log)
    with io.info.status("building the face and its response basis..."):
        model = build_model(chosen.scenario, vertices)
    print_case(io.data, case_view(model, chosen))
    # The reference plan is searched while the trainee looks at the case and answers.
    reference = _in_background(CaseEvaluator, model, chosen, PlannerSettings.default(samples=samples, seed=seed))
    if "case.png" in targets:
        _picture(io, "case (rest, smile)", _case_picture, model, chosen, targets["case.png"])
    result = _answer_and_score(io, given, reference)
    print_result(io.data, result)
    if "compare.png" in targets and result.outcome is not None and result.reference_outcome is not None:
        _picture(io, "your plan and the reference, before/after", _compare_picture, result, targets["compare.png"])
    if "result.json" in targets:
        io.wrote(write_json(targets["result.json"], result.as_dict()))
    if log is not None:
        print_log_summary(io.data, log, _append_to_log(log, result, chosen.seed))
    io.disclaimer()


def _answer_and_score(io, given, reference):
    """The answer (``given``, or asked at the prompts) scored once the background reference search is done."""
    try:
        given = given if given is not None else prompt_answer()
        with io.info.status("searching the reference conservative plan..."):
            evaluator = reference()
    except BaseException:  # interrupted: the background search ends at its next step, not minutes later
        from facesim.planning.search import stop_searches

        stop_searches()
        reference.join(1.0)
        raise
    return evaluator.score(given)


def _in_background(work: Callable[..., T], *args) -> Callable[[], T]:
    """Start ``work(*args)`` on a daemon thread (an interrupt at a prompt does not wait for it); the returned
    function waits for its result and re-raises its error."""
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = work(*args)
        except BaseException as err:  # handed to the waiting caller
            box["error"] = err

    thread = threading.Thread(target=run, daemon=True, name="facesim-reference-plan")
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in box:
            raise box.pop("error")
        return box.pop("value")

    result.join = thread.join
    return result


def _prepare(case, random_, seed, answer, pictures, out, force, log):
    """The case, the answer file's answer (None: prompts) and the output paths by name, checked before any work.

    Pictures (default: on at prompts, off with an answer file) go to ``out`` or facesim-out/train/<case>;
    result.json only to ``out``. The log is appended to, so only its place is checked.
    """
    from facesim.outputs import check_outputs, check_writable
    from facesim.training.answer import load_answer

    chosen = _choose_case(case, random_, seed)
    show_pictures = pictures if pictures is not None else answer is None
    folder = out if out is not None else Path("facesim-out") / "train" / (chosen.label or chosen.name)
    names = (["result.json"] if out is not None else []) + (list(PICTURES) if show_pictures else [])
    targets = dict(zip(names, check_outputs((folder / n for n in names), force)))
    if log is not None:
        check_writable(log, force=True)  # the log is read, appended to and written back
    given = load_answer(answer) if answer is not None else None
    return chosen, given, targets


def _append_to_log(log: Path, result, seed: int | None) -> dict:
    """Append the attempt to the session log (created if absent); its updated summary."""
    from facesim.outputs import write_json
    from facesim.training.session import add_attempt, attempt_record, load_log

    updated = add_attempt(load_log(log), attempt_record(result, seed))
    write_json(log, updated)
    return updated["summary"]


def print_case_names(console) -> None:
    """The bundled cases by their neutral names, one a line, then the generated kinds."""
    from facesim.training.cases import case_labels

    for name in case_labels():
        console.print(name)
    console.print(GENERATED_NAMES)


def print_case(console, view) -> None:
    """What the trainee sees of the case: its neutral name and sex, the history in words, the corner measurements."""
    console.print(f"[bold]Case: {escape(view.name)}[/bold] ({escape(view.sex)})")
    for line in view.history:
        console.print(f"  history: {escape(line)}")
    for line in view.lines():
        console.print(f"  {escape(line)}")


def print_result(console, result) -> None:
    """The score (0-100) with its verdict and parts, and the feedback."""
    colour = {"excellent": "green", "good": "green", "fair": "yellow"}.get(result.verdict, "red")
    console.print(f"\n[bold {colour}]Score {result.score:g}/100 ({result.verdict})[/bold {colour}]  your answer: "
                  f"{escape(result.answer.cause)}; {escape(result.answer.describe())}")
    console.print("  " + ", ".join(f"{k} {v:g}/{result.max_parts[k]:g}" for k, v in result.parts.items()))
    for line in result.feedback:
        console.print(f"- {escape(line)}")


def print_log_summary(console, log: Path, summary: dict) -> None:
    """The session log's attempts, mean score and per-skill means."""
    skills = ", ".join(f"{k} {v['mean']:g}" for k, v in summary["skills"].items() if v["mean"] is not None)
    console.print(f"log {escape(log)}: {summary['attempts']} attempts, mean score {summary['mean_score']:g}; "
                  f"skills: {skills}; weakest: {summary['weakest_skill']}")


def _case_picture(model, case, path: Path) -> Path:
    from facesim.simulation.timeline import ScenarioSimulation
    from facesim.training.pictures import case_picture

    return case_picture(ScenarioSimulation(model, case.scenario), path)


def _compare_picture(result, path: Path) -> Path:
    from facesim.training.pictures import compare_picture

    return compare_picture(result.outcome, result.reference_outcome, path)


def _picture(io, what: str, make: Callable[..., Path], *args) -> None:
    """Render ``make(*args)`` (its path on stderr); if rendering is not available here, say so and go on without it."""
    try:
        io.info.print(f"picture, {what}: {escape(make(*args))}")
    except (ImportError, RuntimeError, OSError) as exc:
        io.info.print(f"[yellow]pictures skipped[/yellow] ({escape(exc)}); use --no-pictures to skip them")
