"""Regenerate the landmark fixtures in this folder (run from the repository root).

The landmarks are the coarse built-in model's (FaceModel.builtin(3000)) for a
patient with an over-toned right DAO (tone 8) and a strong left zygomaticus major
(strength 1.4), rest and smile, written as a photo would give them: pixels at
0.25 mm per pixel, x to the viewer's right, y down.
"""

import json
from pathlib import Path


from facesim.assessment.patient_fit import simulated_landmarks
from facesim.assessment.landmark_writing import emotrics_text, facesim_to_image, ibug_from_named, ibug_text
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient

HERE = Path(__file__).parent
MM_PER_PX = 0.25
PATIENT = Patient(tone={"dao_right": 8.0}, strength={"zygomaticus_major_left": 1.4}, name="fixture")


def main():
    model = FaceModel.builtin(3000)
    iris_r = 11.77 / 2 / MM_PER_PX
    for expr in ("rest", "smile"):
        named = simulated_landmarks(model, PATIENT, expr)
        px = facesim_to_image(ibug_from_named(named), MM_PER_PX)
        (HERE / f"{expr}_ibug.txt").write_text(ibug_text(px, header="# units: px"))
        (HERE / f"{expr}_ibug_comma.txt").write_text(ibug_text(px, comma=True))
        pl, pr = px[42:48].mean(axis=0), px[36:42].mean(axis=0)
        (HERE / f"{expr}_emotrics.txt").write_text(
            emotrics_text(px, (*pl, iris_r), (*pr, iris_r), photo=f"{expr}.jpg"), newline="")
        names = ("pupil_left", "pupil_right", "cheilion_left", "cheilion_right", "lower_lip_left",
                 "lower_lip_right", "menton", "gonion_left", "gonion_right", "labiale_superius", "labiale_inferius")
        mm = {n: [round(float(v), 3) for v in named[n][:2]] for n in names}
        (HERE / f"{expr}_named_mm.json").write_text(json.dumps({"units": "mm", "frame": "facesim", "points": mm},
                                                               indent=1))
    (HERE / "history_red_flag.toml").write_text("[history]\neye_closure_difficulty = true\n")
    (HERE / "history_recent_toxin.toml").write_text(
        "[history]\nchewing_side = \"left\"\n\n[[history.previous_injection]]\n"
        "day = -30\nsite = \"dao_left\"\nunits = 4.0\nproduct = \"ona\"\n")


if __name__ == "__main__":
    main()
