"""Each muscle's line of action on the built-in and ICT faces, and against the ICT FACS shapes.

Usage::

    python tools/muscle_motion.py [--ict ../shared/ict-facekit] [--vertices 21000] [--side left]

Prints, per face: the smile calibration and the default smile (mm, degrees above the
lateral horizontal, before and after the calibration); each muscle's landmark motion
when it alone pulls at its max force (the commissure; the lower-lip point for the DLI
and mentalis), as frontal length and angle and as [lateral, superior, anterior] mm, and
the mean anterior motion of that side's cheek (negative: pressed back).
On the ICT face also the FACS shapes' own motion and, per muscle, the cosine of its
landmark motion with mouthSmile, mouthFrown and mouthLowerDown at that landmark and
the cosine of the whole field over the perioral, cheek and chin regions.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ("mouthSmile", "mouthFrown", "mouthLowerDown")


def smile_lines(model) -> list[str]:
    from facesim.anatomy.patient import Patient
    from facesim.tissue.patient_metrics import patient_metrics

    m = patient_metrics(model, Patient())
    cal = model.calibration
    before = [float(getattr(m, f"excursion_{s}")) * cal.stiffness_scale for s in ("left", "right")]
    return [cal.line(),
            f"default smile: before {before[0]:.2f}/{before[1]:.2f} mm -> after "
            f"{float(m.excursion_left):.2f}/{float(m.excursion_right):.2f} mm (left/right), "
            f"at {float(m.angle_left):.1f}/{float(m.angle_right):.1f} deg above the lateral horizontal"]


def motion_row(label: str, landmark: str, motion, frontal: float, angle: float, cheek: str = "") -> str:
    lat, sup, ant = motion
    return (f"  {label:32s} {landmark:16s} {frontal:6.2f} mm {angle:7.1f} deg   [{lat:6.2f} {sup:6.2f} {ant:6.2f}]"
            f"{cheek}")


def motion_table(model, side: str) -> list[str]:
    from facesim.tissue.muscle_motion import muscle_motions

    out = [f"  {'muscle (max force)':32s} {'landmark':16s} {'frontal':>9s} {'angle':>11s}   "
           "[lateral superior anterior] mm   cheek anterior (area mean) mm"]
    for mm in muscle_motions(model, side):
        out.append(motion_row(f"{mm.muscle_id} ({mm.force_n:g} N)", mm.landmark, mm.motion_mm, mm.frontal_mm,
                              mm.angle_deg, f"   {mm.cheek_anterior_mm:6.2f}"))
    return out


def ict_tables(model, result, directory: Path, side: str) -> list[str]:
    from facesim.scan.ict import expression_field, field_agreement, field_mask
    from facesim.tissue.muscle_motion import frontal_motion, landmark_of

    suffix = "L" if side == "left" else "R"
    fields = {s: expression_field(directory, f"{s}_{suffix}", result) for s in SHAPES}
    out = ["ICT FACS shapes (the kit's full expression):"]
    for s, field in fields.items():
        for lm in (f"cheilion_{side}", f"lower_lip_{side}"):
            out.append(motion_row(f"{s}_{suffix}", lm, *frontal_motion(model, field, lm, side)))
    mask = field_mask(model.face)
    out += ["against the ICT shapes: cosine of the landmark motion (3D) | cosine of the field over perioral,"
            " cheek, chin", f"  {'muscle':32s} {'landmark':16s} " + "  ".join(f"{s:>17s}" for s in SHAPES)]
    for muscle in model.anatomy.muscles:
        mid = f"{muscle.name}_{side}"
        lm = landmark_of(muscle.name, side)
        k = model.index(mid)
        own = frontal_motion(model, model.basis[k], lm, side)[0]
        cells = []
        for field in fields.values():
            target = frontal_motion(model, field, lm, side)[0]
            cos = float(own @ target / max(np.linalg.norm(own) * np.linalg.norm(target), 1e-300))
            cosine = field_agreement(model.basis[k], field, model.face.landmark_index(lm), mask)[2]
            cells.append(f"{cos:7.3f} | {cosine:6.3f}")
        out.append(f"  {mid:32s} {lm:16s} " + "  ".join(f"{c:>17s}" for c in cells))
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ict", type=Path, default=ROOT.parent / "shared" / "ict-facekit")
    parser.add_argument("--vertices", type=int, default=None, help="built-in face resolution (default 21000)")
    parser.add_argument("--side", choices=("left", "right"), default="left")
    args = parser.parse_args(argv)
    from facesim.tissue.model import FaceModel

    print(f"== built-in face ({args.side} side)")
    builtin = FaceModel.builtin(args.vertices)
    print("\n".join(smile_lines(builtin) + motion_table(builtin, args.side)))
    if not (args.ict / "generic_neutral_mesh.obj").is_file():
        print(f"== ICT face: {args.ict} not found, skipped")
        return
    from facesim.scan.ict import import_ict

    result = import_ict(args.ict)
    ict = FaceModel(result.face)
    print(f"== ICT face ({args.side} side)")
    print("\n".join(smile_lines(ict) + motion_table(ict, args.side) + ict_tables(ict, result, args.ict, args.side)))


if __name__ == "__main__":
    main()
