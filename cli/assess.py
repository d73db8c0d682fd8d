"""`facesim assess`: landmarks in, metrics, cause type and a calibrated patient out."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Optional

import typer

from facesim.errors import InputError

from .console import escape, streams
from .demo import metrics_table
from .options import DEFAULT_VERTICES, NoMirror, PhotoFace, Vertices


class Sex(str, Enum):
    female = "female"
    male = "male"


class Goal(str, Enum):
    natural_balance = "natural_balance"
    change_of_form = "change_of_form"


class Side(str, Enum):
    none = "none"
    left = "left"
    right = "right"


class Healthy(str, Enum):
    left = "left"
    right = "right"


def _history(path: Path | None, flags: dict, chewing: Side | None, propping: Side | None,
             injections: list[str]) -> dict:
    from facesim.datafiles import read_toml

    table: dict = {}
    if path is not None:
        data = read_toml(path, InputError)
        table = dict(data.get("history", {}))
        if not table and "history" not in data:
            raise InputError(f"{path}: no [history] table; write the answers under [history]")
    table.update(flags)
    if chewing is not None:
        table["chewing_side"] = chewing.value
    if propping is not None:
        table["jaw_propping"] = propping.value
    for text in injections:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) not in (3, 4):
            raise InputError(f"--previous-injection {text!r}; write DAY,SITE,UNITS[,PRODUCT], e.g. -60,dao_left,4,ona")
        entry = {"day": parts[0], "site": parts[1], "units": parts[2]}
        try:
            entry["day"], entry["units"] = float(parts[0]), float(parts[2])
        except ValueError:
            raise InputError(f"--previous-injection {text!r}: DAY and UNITS must be numbers") from None
        if len(parts) == 4:
            entry["product"] = parts[3]
        table.setdefault("previous_injection", []).append(entry)
    return table


def _answers(options: dict) -> dict:
    """The history answers among the command's options: the flags given, the goal, no aftercare."""
    from facesim.scenario.history import RED_FLAG_KEYS

    out = {k: True for k in (*RED_FLAG_KEYS, "dental_history") if options.get(k)}
    if options.get("goal") is not None:
        out["goal"] = options["goal"].value
    if options.get("no_aftercare"):
        out["aftercare"] = False
    return out


def _expressions(items: list[str]) -> list[tuple[str, Path]]:
    """``--expression NAME=FILE`` values -> (name, file) pairs."""
    pairs = []
    for item in items:
        key, sep, file = item.partition("=")
        if not sep or not key or not file:
            raise InputError(f"--expression {item!r}; write NAME=FILE, e.g. frown=frown.txt")
        pairs.append((key.strip(), Path(file.strip())))
    return pairs


def _row(name: str, metrics) -> SimpleNamespace:
    """A column for cli.demo.metrics_table (it reads .patient.name and .metrics)."""
    return SimpleNamespace(patient=SimpleNamespace(name=name), metrics=metrics)


MeasuresOut = Annotated[Optional[Path], typer.Option(
    help="Write the measures (MEEI per photo and rest->smile, facesim's corner travel, eFACE-style scores) "
         "here: .csv, .json or .xlsx.")]
HealthySide = Annotated[Optional[Healthy], typer.Option(
    help="The healthy side for the eFACE-style scores and Deviation % (default: inferred).")]
RestInput = Annotated[Path, typer.Option(
    help="The rest photo (JPEG, PNG, HEIC: landmarks found automatically) or its landmarks "
         "(68-point text or .pts, Emotrics .txt, CSV or JSON).")]
IrisMm = Annotated[Optional[float], typer.Option(
    help="Visible iris diameter, mm, for photos and files with iris circles (default 11.77).")]
PhotoDate = Annotated[Optional[str], typer.Option(help="The photos' date for the measures header (default: today).")]


def _parsed_history(path: Path | None, answers: dict, chewing: Side | None, propping: Side | None,
                    injections: list[str] | None):
    """The History from the file, the answer flags and the previous injections (bad ones fail here)."""
    from facesim.scenario.history import parse_history

    table = _history(path, answers, chewing, propping, injections or [])
    return parse_history(table, where=f"{path}: history" if path else "history")


def _landmark_sets(rest: Path, smile: Path, expression, scale_options: tuple, face: int | None, mirror: bool):
    """The rest, smile and further expressions' landmarks, from photos or landmark files (bad ones fail here,
    before the model)."""
    from facesim.assessment.landmark_input import Scale
    from facesim.assessment.photo_input import read_any, read_rest_smile

    scale = Scale(*scale_options)
    rest_set, smile_set = read_rest_smile(rest, smile, scale, face, mirror)
    others = {key: read_any(file, scale, face, mirror, f"--expression {key}")
              for key, file in _expressions(expression or [])}
    return rest_set, smile_set, others


def _check_outputs(out: Path | None, measures_out: Path | None, force: bool) -> None:
    """Refuse taken or unwritable outputs and a measures suffix facesim cannot write, before any work."""
    from facesim.assessment.measures_export import SUFFIXES
    from facesim.outputs import check_suffix, check_writable

    if out is not None:
        check_writable(out, force)
    if measures_out is not None:
        check_writable(check_suffix(measures_out, SUFFIXES, "--measures-out"), force)


def assess(
    rest: RestInput,
    smile: Annotated[Path, typer.Option(help="The smile photo or its landmarks.")],
    history: Annotated[Optional[Path], typer.Option(help="TOML file with a [history] table.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the calibrated patient TOML here.")] = None,
    expression: Annotated[Optional[list[str]], typer.Option(
        help="More expressions as NAME=FILE (NAME a model expression, e.g. frown=frown.txt).")] = None,
    scale_mm_per_px: Annotated[Optional[float], typer.Option(help="Pixel size in mm (same for every photo).")] = None,
    ipd_mm: Annotated[Optional[float], typer.Option(help="The patient's inter-pupillary distance, mm.")] = None,
    iris_mm: IrisMm = None,
    face: PhotoFace = None, no_mirror: NoMirror = False,
    name: Annotated[Optional[str], typer.Option(help="Patient name (default: the rest file's stem).")] = None,
    sex: Annotated[Sex, typer.Option(help="Sex (sets toxin sensitivity downstream).")] = Sex.female,
    sudden_onset: Annotated[bool, typer.Option("--sudden-onset", help="History: came on suddenly.")] = False,
    eye_closure_difficulty: Annotated[bool, typer.Option("--eye-closure-difficulty",
                                                         help="History: trouble closing an eye.")] = False,
    other_weakness_or_numbness: Annotated[bool, typer.Option(
        "--other-weakness-or-numbness", help="History: other facial weakness or numbness.")] = False,
    other_stroke_signs: Annotated[bool, typer.Option(
        "--other-stroke-signs", help="History: arm or leg weakness, trouble speaking or seeing.")] = False,
    worsening: Annotated[bool, typer.Option("--worsening", help="History: getting worse.")] = False,
    pain: Annotated[bool, typer.Option("--pain", help="History: pain.")] = False,
    previous_treatment_worse: Annotated[bool, typer.Option(
        "--previous-treatment-worse", help="History: previous treatments did not help or made it worse.")] = False,
    goal: Annotated[Optional[Goal], typer.Option(help="History: the goal (a natural balance or a change of form).")] = None,
    no_aftercare: Annotated[bool, typer.Option("--no-aftercare",
                                               help="History: will not do the aftercare (exercises, even chewing).")] = False,
    dental_history: Annotated[bool, typer.Option("--dental-history",
                                                 help="History: orthodontics, extractions, bite change.")] = False,
    chewing_side: Annotated[Optional[Side], typer.Option(help="History: chews mostly on this side.")] = None,
    jaw_propping: Annotated[Optional[Side], typer.Option(help="History: props the jaw on this side.")] = None,
    previous_injection: Annotated[Optional[list[str]], typer.Option(
        help="History: DAY,SITE,UNITS[,PRODUCT] (DAY negative: days ago); repeat for more.")] = None,
    measures_out: MeasuresOut = None,
    healthy_side: HealthySide = None,
    date: PhotoDate = None,
    vertices: Vertices = DEFAULT_VERTICES,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT and MEASURES_OUT if they exist.")] = False,
) -> None:
    """Measure a patient from rest and smile photos or landmarks, sort the cause of the asymmetry, and calibrate muscle strengths and tones to the measurements."""
    from facesim.assessment.assess import assess as assess_patient
    from facesim.simulation.timeline import builtin_model

    _check_outputs(out, measures_out, force)
    healthy = healthy_side.value if healthy_side else None
    rest_set, smile_set, others = _landmark_sets(rest, smile, expression, (scale_mm_per_px, ipd_mm, iris_mm),
                                                 face, not no_mirror)
    hist = _parsed_history(history, _answers(locals()), chewing_side, jaw_propping, previous_injection)
    io = streams()
    with io.info.status("building the face model and fitting the patient..."):
        found = assess_patient(builtin_model(vertices), rest_set, smile_set, expressions=others, history=hist,
                               sex=sex.value, name=name or rest.stem, healthy_side=healthy)
    print_assessment(io.data, found, rest, smile)
    print_clinical_measures(io.data, found)
    if out is not None:
        io.wrote(_write_patient(out, found, sex.value, vertices))
    if measures_out is not None:
        io.wrote(_write_measures(measures_out, found, rest_set, smile_set, name or rest.stem, date, healthy))
    io.disclaimer()


def _write_patient(out: Path, found, sex: str, vertices: int) -> Path:
    from facesim.assessment.patient_fit import patient_toml
    from facesim.outputs import write_text

    return write_text(out, patient_toml(found.fit, found.history, sex=sex, vertices=vertices))


def _write_measures(path: Path, found, rest_set, smile_set, name: str, date: str | None, healthy: str | None):
    import datetime

    from facesim.assessment.measures_export import eface_rows, header_block, measures_rows, write_measures

    notes = [] if found.measures.meei_rest is not None and found.measures.meei_smile is not None else [
        "the MEEI measures and eFACE scores need 68-point landmark files (iBUG, Emotrics, .pts, CSV)"]
    header = header_block(name=name, date=date or datetime.date.today().isoformat(), rest=rest_set,
                          smile=smile_set, eface=found.eface, notes=notes)
    return write_measures(path, header, measures_rows(found.measures, healthy, found.eface), eface_rows(found.eface))


def print_clinical_measures(console, found) -> None:
    """The MEEI (Emotrics) measures per photo and their change, and the eFACE-style scores."""
    from rich.table import Table

    from facesim.assessment.measures_export import measures_rows

    m = found.measures
    if m.meei_rest is None or m.meei_smile is None:
        console.print("[dim]MEEI (Emotrics) measures: need 68-point landmark files; not computed[/dim]")
        return
    table = Table(title="MEEI (Emotrics) measures (iris-centre line horizontal; patient's R / L; mm, deg)")
    for col in ("photo", "measure", "Right", "Left", "L-R"):
        table.add_column(col, justify="left" if col in ("photo", "measure") else "right")
    cell = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for r in measures_rows(m, None, found.eface):
        if r["defined by"].startswith("MEEI"):
            table.add_row(r["photo"], escape(r["measure"]), cell(r["Right"]), cell(r["Left"]), cell(r["Left - Right"]))
    console.print(table)
    e = found.eface
    dynamic = "— (the healthy side does not smile)" if e.dynamic_score is None else f"{e.dynamic_score:.0f}"
    console.print(f"eFACE-style oral commissure ({e.affected_side} side affected; healthy side {e.healthy_side}, "
                  f"{escape(e.healthy_side_how)}): at rest {e.static_score:.0f}, movement with smile {dynamic} "
                  "(0-100, 100 normal)")


def print_assessment(console, found, rest: Path, smile: Path) -> None:
    """The measurements beside the fitted model, the cause types with reasons, the fit's quality."""
    from rich.table import Table

    from facesim.assessment.landmark_input import PUPIL_SOURCES
    from facesim.metrics import verdict

    measurements, result, cal = found.measures, found.triage, found.fit
    if result.urgency is not None:  # the red-flag tier comes first, before any number
        console.print(f"[bold red]{escape(result.urgency.title.upper())}[/bold red]: {escape(result.urgency.words)}")
    console.print(f"rest: {escape(rest)}  smile: {escape(smile)}  "
                  f"(inter-pupillary distance {measurements.ipd_mm:.1f} mm)")
    console.print(f"pupils: {escape(PUPIL_SOURCES[measurements.pupil_source])}")
    console.print(metrics_table([_row("measured", measurements.corner), _row("calibrated model", cal.predicted)]))
    extra = []
    if measurements.chin_deviation_mm is not None:
        extra.append(f"chin {measurements.chin_deviation_mm:+.1f} mm from the midline (+ = patient's left)")
    if measurements.jaw_cant_deg is not None:
        extra.append(f"jaw line tilt {measurements.jaw_cant_deg:+.1f} deg (+ = left side higher)")
    if extra:
        console.print("; ".join(extra))
    console.print(f"verdict: {verdict(float(measurements.corner.asymmetry))}")

    console.print("\n[bold]Cause[/bold]")
    if result.referral:
        console.print(f"[bold red]{escape(result.referral)}[/bold red]")
        console.print("[red]Planning is refused for this patient until a doctor has seen them.[/red]")
    table = Table(show_header=True)
    table.add_column("cause")
    table.add_column("weight", justify="right")
    table.add_column("reasons")
    for cause in result.causes:
        table.add_row(escape(cause.words), f"{cause.weight:.2f}", escape("\n".join(cause.reasons) or "-"))
    if result.causes:
        console.print(table)
    for line in result.advice:
        if line != result.referral:
            console.print(f"- {escape(line)}")

    console.print("\n[bold]PatientFit[/bold]")
    console.print(f"residuals: rms {cal.residual_rms_mm:.2f} mm, max {cal.residual_max_mm:.2f} mm; "
                  f"largest metric error {cal.max_metric_error_mm:.2f} mm; "
                  f"the data pin down {cal.rank} of {cal.n_parameters} parameter combinations")
    if cal.over_pulling is not None:
        f = cal.over_pulling
        console.print(f"pulls more: the patient's {f.side} side; largest contributor {f.muscle} {f.kind} "
                      f"(left {f.left:.2f}, right {f.right:.2f})")
    if cal.jaw_shift_mm is not None:
        console.print(f"static jaw fitted: shift {cal.jaw_shift_mm[0]:+.1f} mm (+ = toward the patient's left), "
                      f"cant {cal.jaw_cant_deg:+.1f} deg (+ = the patient's left side drops)")
    for note in cal.unidentifiable:
        console.print(f"[dim]cannot tell apart: {escape(note)}[/dim]")
