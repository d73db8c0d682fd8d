"""`facesim plan SCENARIO|PATIENT`: the least toxin that makes the asymmetry stop showing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import escape, streams
from .options import Force, VerticesOverride, comma_list, scenario_path


def _doses(p, product: str) -> str:
    """``dao_right 2.5 U ona (= 6.25 abo units)``: ona-equivalent U, with the product's own units beside."""
    parts = []
    for site, u, pu, unit in zip(p.sites, p.units, p.product_units, p.unit_names):
        if unit == "mL":
            parts.append(f"{site} {u:g} mL")
        else:
            parts.append(f"{site} {u:g} U" + (f" (= {pu:g} {product} units)" if product != "onabotulinumtoxinA" else ""))
    return " + ".join(parts) or "no injection"


def plans_table(report):
    """A rich Table of a PlanResult's ranked plans (doses in ona-equivalent U, the product's units beside)."""
    from rich.table import Table

    table = Table(title=f"Ranked plans ({report.n_plans:,} evaluated x {report.samples} samples)",
                  caption="plan: onabotulinumtoxinA-equivalent U (mL for filler), the product's own units in brackets; "
                          "cycle: below the noticeable threshold over the week-2 to week-12 window, share of samples "
                          "and days; asym: at week 2, median [10-90 %] mm; over/side: chance of over-correction, of a "
                          "neighbour muscle losing > 30 %; again: noticeable again (median); * misses the target")
    for name, justify in (("#", "right"), (f"plan (U ona; {report.product})", "left"), ("cycle", "right"),
                          ("asym", "right"), ("over", "right"), ("side", "right"), ("again", "right")):
        table.add_column(name, justify=justify)
    for p in report.ranked:
        band = p.asymmetry_at_peak
        again = "-" if p.noticeable_again_day is None else f"d{p.noticeable_again_day:g}"
        table.add_row(f"{p.rank}{'' if p.feasible else '*'}", _doses(p, report.product),
                      f"{p.below_threshold_fraction:.0%}", f"{band.median:.1f} [{band.q10:.1f}-{band.q90:.1f}]",
                      f"{p.p_overcorrection:.0%}", f"{p.p_side_effect:.0%}", again)
    return table


def print_report(console, report) -> None:
    """The recommendation, its course and staged start, and the ranked plans."""
    console.print(f"[bold]{escape(report.patient)}[/bold]: untreated asymmetry {report.untreated.median:.1f} mm "
                  f"[{report.untreated.q10:.1f}-{report.untreated.q90:.1f}] at week 2")
    colour = {"plan": "green", "no_injection": "cyan", "wait": "cyan"}.get(report.recommendation, "red")
    console.print(f"[bold {colour}]Recommendation: {report.recommendation}[/bold {colour}] — "
                  f"{escape(report.reason)}")
    if report.chosen:
        c = report.chosen
        console.print(f"  {_doses(c, report.product)}; below the threshold in {c.below_threshold_fraction:.0%} of "
                      "samples and days over the cycle")
        for day, bands in c.course.items():
            a = bands["asym"]
            console.print(f"  day {day:>4}: asymmetry {a.median:.1f} mm [{a.q10:.1f}-{a.q90:.1f}]: smiling "
                          f"{bands['smile_asym'].median:.1f}, lower lip down {bands['lower_lip_down_asym'].median:.1f}, "
                          f"frowning {bands['frown_asym'].median:.1f}")
        again = "not by day 180" if c.noticeable_again_day is None else f"from about day {c.noticeable_again_day:g}"
        console.print(f"  noticeable again {again}; review / re-treatment on day {c.retreatment_day:g} "
                      "(never before 12 weeks)")
    if report.staged:
        st = report.staged
        doses = "; ".join(f"{site}: start {u:g} U, touch-up {t:g} U" if t > 0 else f"{site}: {u:g} U (no touch-up)"
                          for site, u, t in zip(st.sites, st.start_units, st.touch_up_units))
        console.print(f"[bold]Staged plan[/bold] (U ona): {doses}. Review at day {st.review_day:g} (target met in "
                      f"{st.p_target_after_start:.0%} of samples, asymmetry {st.asymmetry_after_start.median:.1f} mm); "
                      f"touch up only if still noticeable ({st.p_touch_up_needed:.0%} likely).")
    console.print(plans_table(report))


def plan(
    scenario: Annotated[Path, typer.Argument(
        metavar="SCENARIO|PATIENT", help="Scenario or patient TOML (e.g. written by facesim assess), or the name of "
                                         "a bundled case (facesim train --list).")],
    sites: Annotated[str | None, typer.Option(help="Candidate sites, comma-separated (default: every named site), "
                                                   "e.g. dao_right,dli_right.")] = None,
    max_units: Annotated[float | None, typer.Option(help="Total maximum, ona-equivalent U (default 20).")] = None,
    max_site_units: Annotated[float | None, typer.Option(help="Cap on every site's own maximum, U.")] = None,
    max_sites: Annotated[int | None, typer.Option(help="Sites per plan, 1 or 2 (default 2).")] = None,
    step: Annotated[float | None, typer.Option(help="Dose step, U (default 0.5).")] = None,
    samples: Annotated[int | None, typer.Option(min=1, help="Uncertainty samples (default 200).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the samples.")] = 0,
    product: Annotated[str | None, typer.Option(help="Show units of this product too (e.g. abo).")] = None,
    filler: Annotated[bool, typer.Option("--filler", help="Also consider HA filler (mL) below each commissure.")] = False,
    out: Annotated[Path | None, typer.Option(help="Directory for plan.json, ranked_plans.csv and tradeoff.csv.")] = None,
    all_plans: Annotated[bool, typer.Option("--all-plans", help="Also write all_plans.csv (every evaluated plan).")] = False,
    vertices: VerticesOverride = None,
    force: Force = False,
) -> None:
    """Explore dose plans under uncertainty and recommend the least toxin that makes the asymmetry stop being noticeable, with a staged start dose and a week-2 review."""
    from facesim.outputs import check_outputs, write_files
    from facesim.planning.files import plan_file_names, plan_files
    from facesim.planning.planner import PlannerSettings
    from facesim.planning.recommend import make_plan
    from facesim.scenario.case import load_scenario
    from facesim.simulation.timeline import build_model
    from facesim.treatment.bont import product as find_product
    from facesim.planning.kernel import warm_up_in_background

    targets = check_outputs((out / n for n in plan_file_names(all_plans)), force) if out is not None else []
    spec = load_scenario(scenario_path(scenario))
    settings = PlannerSettings.default(sites=comma_list(sites) if sites else None, max_total_u=max_units,
                                       max_site_u=max_site_units, max_sites=max_sites, step_u=step, samples=samples,
                                       seed=seed, product=find_product(product).name if product else None,
                                       filler=filler or None)
    warm_up_in_background()  # the input is good: a first plan's compilation overlaps the set-up below
    io = streams()
    with io.info.status("building the face and its response basis..."):
        model = build_model(spec, vertices)
    with io.progress("evaluating plans") as update:
        result = make_plan(model, spec, settings, progress=lambda done, total: update(done=done, total=total))
    print_report(io.data, result)
    io.notes(warnings=result.warnings)
    if targets:
        io.wrote(*write_files(targets, plan_files(result, all_plans).values()))
    io.disclaimer()
