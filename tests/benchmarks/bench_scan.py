"""Large-scan benchmark: a 300k-vertex face to a factorized model with its basis (not a test; run
`python tests/benchmarks/bench_scan.py [--vertices N] [--solver cholesky|superlu]`).

Target (issue 18): <= 5 s from the face to the model, peak memory printed. The face itself is the
built-in face at that resolution (a scan's import, repairs and landmarks are not counted). Each solver
runs in a fresh process so that its peak memory (ru_maxrss) is its own; the second load of the model from
the on-disk cache (facesim.tissue.model_cache) is timed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def one(n_vertices: int, solver: str) -> dict:
    """Times (s) and peak memory (MB) of one build in this process."""
    os.environ["FACESIM_SOLVER"] = solver
    from facesim.face.builtin import build_face
    from facesim.tissue.model import FaceModel
    from facesim.tissue.model_cache import cached

    t = time.perf_counter()
    face = build_face(n_vertices)
    t_face = time.perf_counter() - t
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    model = FaceModel(face)
    t_model = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    os.environ["FACESIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="facesim-bench-cache-")
    cached(("bench", n_vertices), lambda: model)  # stored
    t = time.perf_counter()
    cached(("bench", n_vertices), lambda: None)
    t_load = time.perf_counter() - t
    return {"vertices": face.n_vertices, "solver": model.tissue._factor.name, "face_s": t_face, "model_s": t_model,
            "peak_mb": peak, "before_mb": before, "cache_load_s": t_load, "basis_mb": model.basis.nbytes / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vertices", type=int, default=300_000)
    parser.add_argument("--solver", default="", help="one solver only (cholesky or superlu); both by default")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.vertices, args.solver)))
        return
    for solver in [args.solver] if args.solver else ["cholesky", "superlu"]:
        out = subprocess.run([sys.executable, __file__, "--child", "--vertices", str(args.vertices), "--solver",
                              solver], capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['vertices']:,} vertices, {r['solver']:20s} face {r['face_s']:6.1f} s | model (factorize + "
              f"{r['basis_mb']:.0f} MB basis + calibration) {r['model_s']:6.1f} s (target <= 5 s) | peak memory "
              f"{r['peak_mb']:,.0f} MB (face alone {r['before_mb']:,.0f} MB) | from the cache {r['cache_load_s']:.2f} s",
              flush=True)


if __name__ == "__main__":
    main()
