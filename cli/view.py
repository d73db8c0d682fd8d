"""`facesim view SCENARIO|PATIENT`: the live consultation viewer, one self-contained HTML page."""

from __future__ import annotations

from .console import streams
from .options import PageRequest, load_spec, page_command
from .simulate import print_title


@page_command("HTML file to write (.html; opens offline, no network).")
def view(given: PageRequest) -> None:
    """Write the live viewer: drag the day (0-180 days) and each planned site's dose (U), switch product, expression, before/after, split view and a heat map; the page recomputes the face and the corner balance itself (WebGL2, works offline). A patient with red flags is refused (exit code 3) without --clinician-override."""
    from facesim.outputs import check_suffix, check_writable, write_atomically
    from facesim.simulation.run import scenario_simulation
    from facesim.view.page import viewer_html

    check_writable(check_suffix(given.out, (".html",)), given.force)
    scenario, spec = load_spec(given.scenario, given.plan, given.allow_high_dose, False, "view")
    spec = spec.treatment_story(given.clinician_override, "view")
    io = streams()
    with io.info.status("building the face and its response basis..."):
        sim = scenario_simulation(spec, given.vertices)
        text = viewer_html(sim)
    path = write_atomically(given.out, lambda p: p.write_text(text, encoding="utf-8"))
    print_title(io.data, spec, scenario)
    io.notes(spec.flags, sim.warnings)
    io.wrote(path)
    io.disclaimer()
