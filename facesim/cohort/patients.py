"""A cohort's patients: generated with their hidden truth (the training mode's generator) or read from a table.

A table (CSV or Parquet) has one row per patient: ``id`` (optional), and either ``scenario`` (the path of a
scenario TOML) or the patient's multipliers as columns ``tone.<muscle id>`` / ``strength.<muscle id>``
(e.g. ``tone.dao_right = 1.6``) with an optional ``sex``. A row that cannot be read is kept as a patient
whose ``problem`` says why; its result row carries that as its error, and the run goes on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from facesim.errors import FacesimError, InputError
from facesim.scenario.case import Scenario, load_scenario, parse_scenario
from facesim.training.cases import Truth, random_case


@dataclass(frozen=True)
class CohortPatient:
    """One patient of a cohort: its id, scenario (None when its row is broken) and truth where known."""

    id: str
    scenario: Scenario | None
    truth: Truth | None = None
    kind: str = ""
    problem: str = ""  # why the row could not be read ("" when it could)


def generated(n: int, seed: int) -> list[CohortPatient]:
    """``n`` generated patients (training's ``random-<seed>`` cases from seeds seed, seed + 1, ...)."""
    if n < 1:
        raise InputError(f"--generate {n}: give a number of patients >= 1")
    out = []
    for k in range(n):
        case = random_case(seed + k)
        out.append(CohortPatient(case.name, case.scenario, case.truth, case.kind))
    return out


def read_table(path: Path | str) -> list[CohortPatient]:
    """The patients of a CSV or Parquet table (see the module docstring)."""
    import pyarrow.csv
    import pyarrow.parquet

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; give a CSV or Parquet table of patients or use --generate N")
    try:
        table = pyarrow.parquet.read_table(path) if path.suffix.lower() == ".parquet" else pyarrow.csv.read_csv(path)
    except Exception as exc:  # pyarrow raises many kinds for a broken file
        raise InputError(f"{path}: not a readable table ({str(exc)[:80]}); give CSV with a header or Parquet") from None
    rows = table.to_pylist()
    if not rows:
        raise InputError(f"{path}: the table has no rows; give one row per patient")
    return [_row_patient(row, k, path.parent) for k, row in enumerate(rows)]


def _row_patient(row: dict, k: int, folder: Path) -> CohortPatient:
    pid = str(row.get("id") or f"row-{k + 1}")
    try:
        if row.get("scenario"):
            scenario_path = Path(str(row["scenario"]))
            scenario = load_scenario(scenario_path if scenario_path.is_absolute() else folder / scenario_path)
        else:
            patient: dict = {"tone": {}, "strength": {}}
            for key, value in row.items():
                table, _, muscle = str(key).partition(".")
                if table in ("tone", "strength") and muscle and value not in (None, ""):
                    patient[table][muscle] = _number(value)
            if row.get("sex"):
                patient["sex"] = row["sex"]
            scenario = parse_scenario({"patient": patient}, f"table row {k + 1} ({pid})")
    except FacesimError as exc:
        return CohortPatient(pid, None, problem=str(exc))
    return CohortPatient(pid, scenario)


def _number(value):
    """A table cell as a number when it reads as one (a CSV column with one bad cell is read as text)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # parse_scenario names the field and the fix


def with_vertices(p: CohortPatient, vertices: int | None) -> CohortPatient:
    """The patient on a built-in face of ``vertices`` (None: as its scenario says)."""
    if vertices is None or p.scenario is None or p.scenario.patient.mesh != "builtin":
        return p
    patient = dataclasses.replace(p.scenario.patient, vertices=int(vertices))
    return dataclasses.replace(p, scenario=dataclasses.replace(p.scenario, patient=patient))
