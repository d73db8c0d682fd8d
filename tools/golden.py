"""Golden check for refactors: capture every bundled scenario's timeline and the planning case's plan, then compare.

Usage::

    python tools/golden.py capture DIR      # run facesim simulate / plan, write DIR/<case>/...
    python tools/golden.py compare OLD NEW  # max abs difference of every number (mm, U, days); exit 1 if > tol

A refactor must leave the numbers unchanged (``--tol`` 1e-9 by default).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAYS = "0,3,7,14,30,60,90,120,180"
PLAN_CASE = "j_plan_overtoned_right_dao"


def scenarios() -> list[Path]:
    """The bundled scenarios (wherever the package keeps them)."""
    for folder in (ROOT / "facesim" / "data" / "scenarios", ROOT / "scenarios"):
        found = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("README"))
        if found:
            return found
    raise SystemExit("no bundled scenarios found")


def capture(out: Path) -> None:
    """Write one timeline.json per scenario and plan.json for the planning case under ``out``."""
    for path in scenarios():
        target = out / path.stem
        cmd = ["facesim", "simulate", str(path), "--days", DAYS, "--out", str(target), "--force"]
        if "neurogenic" in path.stem or path.stem.startswith("e_"):
            cmd.append("--clinician-override")
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0 and "--clinician-override" in cmd and "no such option" in run.stderr.lower():
            cmd.remove("--clinician-override")
            run = subprocess.run(cmd, capture_output=True, text=True)
        print(f"{path.stem}: exit {run.returncode}", file=sys.stderr)
    plan_case = next(p for p in scenarios() if p.stem == PLAN_CASE)
    subprocess.run(["facesim", "plan", str(plan_case), "--out", str(out / "plan"), "--force"],
                   capture_output=True, text=True, check=True)


def _numbers(node, path=""):
    """Yield (path, value) for every number in a JSON tree; strings are yielded as-is."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _numbers(value, f"{path}[{k}]")
    elif isinstance(node, bool) or node is None or isinstance(node, str):
        yield path, node
    else:
        yield path, float(node)


def compare(old: Path, new: Path, tol: float, keys: tuple[str, ...]) -> int:
    """Compare the timeline rows and the plan; print the largest difference; return the exit code."""
    worst, bad = 0.0, []
    for old_file in sorted(old.rglob("*.json")):
        new_file = new / old_file.relative_to(old)
        if not new_file.exists():
            bad.append(f"{new_file}: missing")
            continue
        a, b = json.loads(old_file.read_text()), json.loads(new_file.read_text())
        for key in keys:
            if key not in a:
                continue
            na, nb = dict(_numbers(a[key])), dict(_numbers(b.get(key)))
            for p, va in na.items():
                vb = nb.get(p, "<missing>")
                if isinstance(va, float) and isinstance(vb, float):
                    worst = max(worst, abs(va - vb))
                    if abs(va - vb) > tol:
                        bad.append(f"{old_file.relative_to(old)}{key}{p}: {va} vs {vb}")
                elif va != vb:
                    bad.append(f"{old_file.relative_to(old)}{key}{p}: {va!r} vs {vb!r}")
    print(f"largest difference {worst:.3g}; {len(bad)} mismatches")
    for line in bad[:30]:
        print("  " + line)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out", type=Path)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    cmp_.add_argument("--tol", type=float, default=1e-9)
    cmp_.add_argument("--keys", default="rows,recommendation,chosen")
    args = parser.parse_args()
    if args.cmd == "capture":
        capture(args.out)
        return 0
    return compare(args.old, args.new, args.tol, tuple(args.keys.split(",")))


if __name__ == "__main__":
    raise SystemExit(main())
