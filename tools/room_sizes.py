"""Small rooms: list modules over 400 lines and functions over 60 lines (tests/test_layers.py checks them).

A numeric kernel may be longer when a comment ``# long kernel: <why>`` stands on its ``def`` line's
preceding line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def oversized(paths=None) -> list[str]:
    """One line per module or function over its limit."""
    out = []
    files = paths or sorted([*(ROOT / "facesim").rglob("*.py"), *(ROOT / "cli").rglob("*.py")])
    for path in files:
        text = path.read_text()
        lines = text.splitlines()
        rel = path.relative_to(ROOT)
        if len(lines) > MAX_MODULE_LINES:
            out.append(f"{rel}: {len(lines)} lines (max {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = node.end_lineno - first + 1
                justified = first >= 2 and "# long kernel:" in lines[first - 2]
                if length > MAX_FUNCTION_LINES and not justified:
                    out.append(f"{rel}:{node.lineno} {node.name}: {length} lines (max {MAX_FUNCTION_LINES})")
    return out


if __name__ == "__main__":
    rows = oversized()
    print("\n".join(rows) or "every room is small")
    sys.exit(1 if rows else 0)
