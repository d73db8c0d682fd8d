"""Small rooms (tools/room_sizes.py): the modules split so far stay under 400 lines, their functions under 60."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Modules split or shortened for the small-rooms limits, and the modules made from them.
SPLIT = [
    "facesim/scan/importer.py",
    "facesim/scan/mesh_files.py",
    "facesim/scan/landmark_files.py",
    "facesim/scan/cleanup.py",
    "facesim/scan/landmark_naming.py",
    "facesim/scan/imported_face.py",
    "facesim/scan/import_report.py",
    "facesim/assessment/landmark_input.py",
    "facesim/assessment/landmark_formats.py",
    "facesim/assessment/landmark_writing.py",
    "facesim/assessment/patient_fit.py",
    "facesim/assessment/fit_design.py",
    "facesim/assessment/fit_solve.py",
    "facesim/assessment/fit_findings.py",
    "facesim/face/builtin.py",
    "facesim/render/panels.py",
    "facesim/render/timeline_plot.py",
    "facesim/planning/kernel.py",
]


def _room_sizes():
    spec = importlib.util.spec_from_file_location("room_sizes", ROOT / "tools" / "room_sizes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_split_modules_are_small_rooms():
    assert _room_sizes().oversized([ROOT / p for p in SPLIT]) == []


def test_a_long_function_is_reported_unless_justified(tmp_path, monkeypatch):
    rooms = _room_sizes()
    monkeypatch.setattr(rooms, "ROOT", tmp_path)
    body = "".join(f"    x{k} = {k}\n" for k in range(rooms.MAX_FUNCTION_LINES))
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + body)
    kernel = tmp_path / "kernel.py"
    kernel.write_text("# long kernel: fused on purpose\ndef f():\n" + body)
    assert rooms.oversized([long]) == [f"long.py:1 f: {rooms.MAX_FUNCTION_LINES + 1} lines (max {rooms.MAX_FUNCTION_LINES})"]
    assert rooms.oversized([kernel]) == []
