"""`facesim report SCENARIO`: one self-contained HTML report (patient page and clinician page)."""

from __future__ import annotations

from .console import streams
from .options import PageRequest, load_spec, page_command
from .simulate import print_title


@page_command("HTML file to write (images embedded; opens offline).", photo=True)
def report(given: PageRequest) -> None:
    """Write a report: pictures, timeline and plain-language milestones for the patient; metrics, plan, assumptions with sources and uncertainty for the clinician. A patient with red flags gets a referral report (why, how urgent, what to bring) and no treatment story."""
    from facesim.outputs import check_writable
    from facesim.report.write import needs_referral, write_referral, write_report
    from facesim.simulation.run import scenario_simulation

    out = given.out
    check_writable(out, given.force)
    # with --clinician-override: a referred patient's full report, every page labelled
    scenario, spec = load_spec(given.scenario, given.plan, given.allow_high_dose, given.clinician_override, "report")
    photo_input = None
    if given.photo is not None and not needs_referral(spec):
        from facesim.render.photo_strip import read_photo_input

        photo_input = read_photo_input(given.photo)
    io = streams()
    if needs_referral(spec):  # red flags: the referral page, no simulation and no treatment story
        print_title(io.data, spec, scenario)
        io.notes(spec.flags, ())
        io.wrote(write_referral(spec, out))
        io.disclaimer()
        return
    with io.info.status("building the face and its response basis...") as status:
        sim = scenario_simulation(spec, given.vertices)
        path = write_report(sim, out, progress=lambda step: status.update(f"{step}..."), photo=photo_input)
    print_title(io.data, spec, scenario)
    io.notes(spec.flags, sim.warnings)
    io.wrote(path)
    io.disclaimer()
