"""Photo benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_photo.py`).

Targets (issue 16):
- landmarks of one photo at 1024 px, mirror averaging included (two Face Mesh passes): <= 50 ms;
- `facesim assess --rest rest.png --smile smile.png` from two photos, end to end (a fresh process:
  start-up, reading both photos, landmarks, gates, the model and the fit): <= 3 s.

The photo is ``skimage.data.astronaut()`` (a public-domain NASA portrait) scaled to 1024 px; the smile
photo is the same photo with the patient's left mouth corner lifted 3 mm by a smooth local warp. Each
figure is min and median of --repeat runs (the first landmark call, which loads the models, is timed apart).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import facesim_command  # noqa: E402

SIZE_PX = 1024
LIFT_MM = 3.0
IPD_MM = 63.0  # only to place the warp: the lift in pixels is LIFT_MM over this IPD's pixels


def photo(size: int = SIZE_PX) -> np.ndarray:
    """The astronaut portrait scaled to ``size`` x ``size`` px, (h, w, 3) uint8."""
    import cv2
    import skimage.data

    return cv2.resize(skimage.data.astronaut(), (size, size), interpolation=cv2.INTER_CUBIC)


def lifted(rgb: np.ndarray, corner_px: np.ndarray, lift_px: float, radius_px: float) -> np.ndarray:
    """``rgb`` with the skin around ``corner_px`` moved up by ``lift_px`` (a Gaussian bump of ``radius_px``)."""
    import cv2

    h, w = rgb.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    bump = np.exp(-((xs - corner_px[0]) ** 2 + (ys - corner_px[1]) ** 2) / (2.0 * radius_px ** 2))
    # remap samples the source: a pixel shows what lay lift_px below it, so the content moves up
    return cv2.remap(rgb, xs, (ys + lift_px * bump).astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REFLECT)


def landmark_times(rgb: np.ndarray, repeat: int) -> tuple[float, list[float]]:
    """(the first call's seconds, the next ``repeat`` calls' seconds) of photo_landmarks with mirroring."""
    from facesim.photo.landmarks import photo_landmarks

    start = time.perf_counter()
    photo_landmarks(rgb, mirror=True)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        photo_landmarks(rgb, mirror=True)
        times.append(time.perf_counter() - start)
    return first, times


def assess_times(rest: Path, smile: Path, repeat: int) -> list[float]:
    """Wall seconds of `facesim assess --rest REST --smile SMILE` in a fresh process, ``repeat`` runs."""
    argv = [*facesim_command(), "assess", "--rest", str(rest), "--smile", str(smile)]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise SystemExit(f"facesim assess failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
        times.append(time.perf_counter() - start)
    return times


def _line(what: str, times: list[float], target_s: float) -> str:
    lo, med = min(times), statistics.median(times)
    verdict = "meets" if med <= target_s else "MISSES"
    return f"{what}: min {lo * 1e3:.0f} ms, median {med * 1e3:.0f} ms ({verdict} the {target_s * 1e3:.0f} ms target)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (default 5)")
    args = parser.parse_args(argv)
    from PIL import Image

    from facesim.photo.landmarks import photo_landmarks

    rgb = photo()
    first, times = landmark_times(rgb, args.repeat)
    print(f"landmarks at {SIZE_PX} px with mirror averaging: first call {first * 1e3:.0f} ms (loads the models)")
    print(_line(f"landmarks at {SIZE_PX} px with mirror averaging", times, 0.050))
    found = photo_landmarks(rgb)
    lift_px = LIFT_MM * found.ipd_px / IPD_MM
    smile = lifted(rgb, found.ibug[54], lift_px, radius_px=0.25 * found.ipd_px)
    with tempfile.TemporaryDirectory() as tmp:
        rest_path, smile_path = Path(tmp) / "rest.png", Path(tmp) / "smile.png"
        Image.fromarray(rgb).save(rest_path)
        Image.fromarray(smile).save(smile_path)
        print(_line("assess from two photos, end to end (fresh process)",
                    assess_times(rest_path, smile_path, args.repeat), 3.0))


if __name__ == "__main__":
    main()
