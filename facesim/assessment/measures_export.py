"""The assessment's measures as a file clinicians open: CSV, JSON or xlsx, Emotrics-like columns.

Layout (CSV and xlsx alike, one sheet): a header block of ``key, value`` rows (patient,
date, files, scale and how it was found, pupils, healthy side), a blank row, the measures
table with :data:`COLUMNS` (per photo and for the rest -> smile change; the MEEI measures
and facesim's own motion measures named apart), a blank row, the eFACE-style scores
with :data:`EFACE_COLUMNS`. JSON holds the same as ``{"header", "measures", "eface"}``.
Numbers are rounded to :data:`DECIMALS`. Definitions: docs/measures.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

from facesim.about import __version__
from facesim.assessment.eface import EfaceScores
from facesim.assessment.meei import SIDES, MeeiPhoto
from facesim.assessment.measures import Measurements
from facesim.outputs import write_atomically, write_json

SUFFIXES = (".csv", ".json", ".xlsx")
DECIMALS = 3
COLUMNS = ("photo", "measure", "unit", "Right", "Left", "Deviation", "Deviation %", "Deviation % of",
           "Left - Right", "defined by")
EFACE_COLUMNS = ("eFACE item", "score (0-100)", "slider (0-200, 100 normal)", "affected side", "healthy side",
                 "defined by")
MEEI = "MEEI (Emotrics)"
FACESIM = "facesim (not Emotrics)"
#: (attribute of MeeiSide, label, unit, Emotrics gives a deviation %)
PER_SIDE = (("commissure_excursion_mm", "Commissure excursion (CE)", "mm", True),
            ("smile_angle_deg", "Smile angle (SA)", "deg", True),
            ("dental_show_mm", "Dental show (interlabial distance)", "mm", True))
HEIGHTS = (("commissure_height_mm", "Commissure height deviation"),
           ("upper_lip_height_mm", "Upper lip height deviation"),
           ("lower_lip_height_mm", "Lower lip height deviation"))


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else round(value, DECIMALS)


def _row(photo, label, unit, right, left, ref, source, percent=True) -> dict:
    """One table row; Deviation = |L - R|, Deviation % = 100 |L - R| / the ``ref`` side's value."""
    dev = None if right is None or left is None else abs(left - right)
    base = {"left": left, "right": right}.get(ref)
    pct = None
    if percent and dev is not None and base is not None:
        pct = 100.0 * dev / base if base else 0.0  # Emotrics gives 0 % when the reference side's value is 0
    signed = None if dev is None else left - right
    return dict(zip(COLUMNS, (photo, label, unit, _num(right), _num(left), _num(dev), _num(pct),
                              ref if pct is not None else None, _num(signed), source)))


def _photo_rows(name: str, m: MeeiPhoto, ref: str) -> list[dict]:
    rows = [_row(name, label, unit, getattr(m.right, key), getattr(m.left, key), ref, MEEI, pct)
            for key, label, unit, pct in PER_SIDE]
    rows += [_row(name, label + " (heights above the iris line)", "mm", getattr(m.right, key),
                  getattr(m.left, key), ref, MEEI, percent=False) for key, label in HEIGHTS]
    return rows


def _change_rows(rest: MeeiPhoto, smile: MeeiPhoto, ref: str) -> list[dict]:
    out = []
    for key, label, unit, _ in PER_SIDE:
        d = {s: getattr(smile.side(s), key) - getattr(rest.side(s), key) for s in SIDES}
        out.append(_row("rest->smile change", f"{label}, smile minus rest", unit, d["right"], d["left"],
                        ref if d[ref] > 0 else None, MEEI))
    return out


def measures_rows(measures: Measurements, healthy: str | None = None, eface: EfaceScores | None = None) -> list[dict]:
    """The measures table (rows of :data:`COLUMNS`): the MEEI measures per photo and their change, then
    facesim's corner travel and travel direction. Deviation % is of the ``healthy`` side when given,
    else of the side Emotrics' rule picks in that photo (the eFACE healthy side for the change)."""
    rows = []
    rest, smile = measures.meei_rest, measures.meei_smile
    if rest is not None and smile is not None:
        rows += _photo_rows("rest", rest, healthy or rest.pulled_toward)
        rows += _photo_rows("smile", smile, healthy or smile.pulled_toward)
        rows += _change_rows(rest, smile, healthy or (eface.healthy_side if eface else smile.pulled_toward))
    c = measures.corner
    ref = healthy or (eface.healthy_side if eface else "left")
    rows.append(_row("rest->smile (facesim)", "Corner travel (rest to smile)", "mm", float(c.excursion_right),
                     float(c.excursion_left), ref, FACESIM))
    rows.append(_row("rest->smile (facesim)", "Travel direction (above the lateral horizontal)", "deg",
                     _num(c.angle_right), _num(c.angle_left), ref, FACESIM, percent=False))
    return rows


def eface_rows(eface: EfaceScores | None) -> list[dict]:
    """The eFACE-style items (rows of :data:`EFACE_COLUMNS`); none without the MEEI measures."""
    if eface is None:
        return []
    src = "eFACE-style (Banks 2015; Auto-eFACE, Miller 2021): facesim/data/measures.toml [eface]"
    items = (("Oral commissure at rest (static)", eface.static_score, eface.static_raw),
             ("Oral commissure movement with smile (dynamic)", eface.dynamic_score, eface.dynamic_raw))
    return [dict(zip(EFACE_COLUMNS, (name, _num(score), _num(raw), eface.affected_side, eface.healthy_side, src)))
            for name, score, raw in items]


def header_block(*, name: str, date: str, rest, smile, eface: EfaceScores | None, notes=()) -> list[tuple[str, str]]:
    """The header's ``(key, value)`` rows; ``rest``/``smile`` are the photos' LandmarkSets."""
    from facesim.assessment.landmark_input import PUPIL_SOURCES

    rows = [("patient", name), ("date", date), ("rest photo landmarks", rest.source),
            ("smile photo landmarks", smile.source)]
    for label, ls in (("rest", rest), ("smile", smile)):
        rows.append((f"{label} scale", f"{ls.mm_per_unit:.5g} mm per {ls.units} ({ls.scale_source})"))
        rows.append((f"{label} pupils", PUPIL_SOURCES[ls.pupil_source]))
    if eface is not None:
        rows.append(("healthy side", f"{eface.healthy_side} ({eface.healthy_side_how})"))
    if notes:
        rows.append(("note", "; ".join(notes)))
    rows += [("frame", "iris-centre line horizontal; Left/Right are the patient's; Left - Right signed"),
             ("written by", f"facesim {__version__} assess --measures-out (definitions: docs/measures.md)")]
    return rows


def sheet(header, rows, eface) -> list[list]:
    """The one-sheet layout (CSV and xlsx) as rows of cells."""
    out = [list(h) for h in header] + [[]]
    out += [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows]
    if eface:
        out += [[], list(EFACE_COLUMNS)] + [[r[c] for c in EFACE_COLUMNS] for r in eface]
    return out


def _write_csv(tmp: Path, cells: list[list]) -> None:
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in row] for row in cells])


def _write_xlsx(tmp: Path, cells: list[list]) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:  # pragma: no cover - a main dependency
        raise ImportError("writing .xlsx needs openpyxl: pip install openpyxl") from None
    book = Workbook()
    ws = book.active
    ws.title = "measures"
    for row in cells:
        ws.append(row)
    book.save(tmp)


def write_measures(path: Path | str, header, rows, eface) -> Path:
    """Write the measures by ``path``'s suffix (:data:`SUFFIXES`), whole or not at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return write_json(path, {"header": dict(header), "measures": rows, "eface": eface})
    cells = sheet(header, rows, eface)
    return write_atomically(path, lambda tmp: (_write_xlsx if suffix == ".xlsx" else _write_csv)(tmp, cells))
