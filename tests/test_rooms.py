"""Small rooms (tools/room_sizes.py): every module of facesim/ and cli/ under 400 lines, every function under 60."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _room_sizes():
    spec = importlib.util.spec_from_file_location("room_sizes", ROOT / "tools" / "room_sizes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_module_and_function_is_a_small_room():
    assert _room_sizes().oversized() == []


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
