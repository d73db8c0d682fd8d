"""`facesim plan SCENARIO|PATIENT`: the least toxin that makes the asymmetry stop showing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from facesim import DISCLAIMER
from facesim.outputs import check_writable, write_csv, write_json
from facesim.planning.recommend import PlanResult
from facesim.planning.planner import PlannerSettings
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import build_model

from .errors import reports_errors
from .options import Force, VerticesOverride


def _sites(text: str | None) -> tuple[str, ...] | None:
    return tuple(s.strip() for s in text.split(",") if s.strip()) if text else None


def plans_table(report: PlanResult) -> Table:
    table = Table(title=f"Ranked plans ({report.n_plans:,} evaluated x {report.samples} samples)",
                  caption="asym: at week 2, median [10-90 %] mm; target/over/side: chance of meeting the target, of "
                          "over-correction, of a neighbour muscle losing > 30 %; * misses the target")
    for name, justify in (("#", "right"), ("plan (U)", "left"), ("asym", "right"), ("target", "right"),
                          ("over", "right"), ("side", "right"), ("again", "right")):
        table.add_column(name, justify=justify)
    for p in report.ranked:
        units = p.product_units if report.product != "onabotulinumtoxinA" else p.units
        sites = " + ".join(f"{s} {u:g}{' mL' if n == 'mL' else ''}" for s, u, n in zip(p.sites, units, p.unit_names))
        sites = sites or "no injection"
        band = p.asymmetry_at_peak
        again = "-" if p.retreatment_day is None else f"d{p.retreatment_day:g}"
        table.add_row(f"{p.rank}{'' if p.feasible else '*'}", sites, f"{band.median:.1f} [{band.q10:.1f}-{band.q90:.1f}]",
                      f"{p.p_target:.0%}", f"{p.p_overcorrection:.0%}", f"{p.p_side_effect:.0%}", again)
    return table


def print_report(console: Console, report: PlanResult) -> None:
    console.print(f"[bold]{report.patient}[/bold]: untreated asymmetry {report.untreated.median:.1f} mm "
                  f"[{report.untreated.q10:.1f}-{report.untreated.q90:.1f}] at week 2")
    colour = {"plan": "green", "no injection": "cyan"}.get(report.recommendation, "red")
    console.print(f"[bold {colour}]Recommendation: {report.recommendation}[/bold {colour}] — {report.reason}")
    if report.chosen:
        c = report.chosen
        console.print("  " + ", ".join(f"{s}: {u:g} {n}" for s, u, n in zip(c.sites, c.units, c.unit_names))
                      + (f" (= {', '.join(f'{u:g}' for u in c.product_units)} {report.product} units)"
                         if report.product != "onabotulinumtoxinA" else ""))
        for day, bands in c.course.items():
            a = bands["asym"]
            console.print(f"  day {day:>4}: asymmetry {a.median:.1f} mm [{a.q10:.1f}-{a.q90:.1f}]")
        if c.retreatment_day is not None:
            console.print(f"  the asymmetry is expected to be noticeable again from about day {c.retreatment_day:g}: "
                          "plan the review / re-treatment then")
    if report.staged:
        st = report.staged
        console.print(f"[bold]Staged plan[/bold]: start with {', '.join(f'{u:g} U' for u in st.start_units)}; review at "
                      f"day {st.review_day:g} (target met in {st.p_target_after_start:.0%} of samples, "
                      f"asymmetry {st.asymmetry_after_start.median:.1f} mm). If still noticeable "
                      f"({st.p_touch_up_needed:.0%} likely), touch up with {', '.join(f'{u:g} U' for u in st.touch_up_units) or 'nothing'}.")
    console.print(plans_table(report))
    for w in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")


@reports_errors
def plan(
    scenario: Annotated[Path, typer.Argument(help="Scenario or patient TOML (e.g. written by facesim assess).")],
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
    from facesim.treatment.pharmacology import product as find_product
    from facesim.planning.recommend import make_plan

    spec = load_scenario(scenario)
    settings = PlannerSettings.default(sites=_sites(sites), max_total_u=max_units, max_site_u=max_site_units,
                                       max_sites=max_sites, step_u=step, samples=samples, seed=seed,
                                       product=find_product(product).name if product else None, filler=filler or None)
    names = ["plan.json", "ranked_plans.csv", "tradeoff.csv"] + (["all_plans.csv"] if all_plans else [])
    targets = [check_writable(out / n, force) for n in names] if out is not None else []
    console = Console()
    with console.status("building the face and its response basis..."):
        model = build_model(spec, vertices)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("evaluating plans", total=None)
        report = make_plan(model, spec, settings,
                           progress=lambda done, total: bar.update(task, completed=done, total=total))
    plans, site_names = report.plans, report.site_names
    print_report(console, report)
    if targets:
        payload = report.as_dict()
        ranked = [{"rank": p.rank, "sites": " + ".join(p.sites),
                   "amounts": " + ".join(f"{u:g} {n}" for u, n in zip(p.units, p.unit_names)),
                   "total_u": p.total_u, "feasible": p.feasible, "p_target": p.p_target,
                   "p_overcorrection": p.p_overcorrection, "p_side_effect": p.p_side_effect,
                   "asym_median_mm": p.asymmetry_at_peak.median, "asym_q10_mm": p.asymmetry_at_peak.q10,
                   "asym_q90_mm": p.asymmetry_at_peak.q90, "retreatment_day": p.retreatment_day}
                  for p in report.ranked]
        write_json(targets[0], payload)
        write_csv(targets[1], ranked)
        write_csv(targets[2], report.tradeoff)
        if all_plans:
            rows = [{"site_a": site_names[a] if a >= 0 else "", "amount_a": ua,
                     "site_b": site_names[b] if b >= 0 else "", "amount_b": ub, "total_toxin_u": t, "p_target": pt,
                     "p_overcorrection": po, "p_side_effect": ps, "asym_median_mm": md, "asym_q10_mm": lo,
                     "asym_q90_mm": hi}
                    for (a, b), (ua, ub), t, pt, po, ps, md, lo, hi in zip(
                        plans.sites, plans.units, plans.total_u, plans.p_target, plans.p_over, plans.p_side,
                        plans.median, plans.q10, plans.q90)]
            write_csv(targets[3], rows)
        console.print("wrote " + ", ".join(str(t) for t in targets))
    console.print(f"[dim]{DISCLAIMER}[/dim]")
