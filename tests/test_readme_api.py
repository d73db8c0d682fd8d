"""The README's notebook block runs as written (on the landmark fixtures) and its results make sense."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


def readme_block() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- api-example -->\s*```python\n(.*?)```", text, re.S)
    assert match, "README lost its api-example block"
    return match.group(1)


def test_readme_notebook_block_runs(tmp_path, monkeypatch):
    shutil.copy(DATA / "rest_ibug.txt", tmp_path / "rest.txt")
    shutil.copy(DATA / "smile_ibug.txt", tmp_path / "smile.txt")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(readme_block(), "README.md", "exec"), namespace)
    a, p, tl, treated = namespace["a"], namespace["p"], namespace["tl"], namespace["treated"]
    assert a.triage.primary == "muscular"
    assert a.fit.over_pulling is not None and a.fit.over_pulling.side == "left"  # the fixture smiles more to the left
    assert p.recommendation == "plan" and p.chosen.shots
    assert len(treated.planned_injections) == len(p.chosen.shots)
    rows = tl.rows()
    assert [r["day"] for r in rows if r["expression"] == "rest"] == [0.0, 14.0, 90.0]
    asym = {r["day"]: r["asymmetry_mm"] for r in rows if r["expression"] == "smile"}
    assert asym[14.0] < asym[0.0]  # the plan improves the balance at week 2
    assert (tmp_path / "ba.png").stat().st_size > 10_000
    html = (tmp_path / "report.html").read_text()
    assert "Planner" in html and p.reason in html.replace("&#x27;", "'")


def test_import_facesim_stays_light():
    import subprocess
    import sys

    code = "import sys, facesim; print(int(any(m in sys.modules for m in ('scipy', 'numba', 'pyvista'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


def test_the_lazy_names_are_the_apis():
    import facesim
    from facesim import api

    assert set(facesim._API) == set(api.__all__)
    assert all(getattr(facesim, name) is getattr(api, name) for name in api.__all__)
