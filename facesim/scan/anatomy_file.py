"""Writing an anatomy file (TOML) that facesim.anatomy reads back: the fitted muscle placement."""

from __future__ import annotations

import json

from facesim.anatomy.muscles import Anatomy, PointSpec

def _num(v: float) -> str:
    return f"{round(float(v), 3):g}" if float(v) != int(v) else f"{float(v):.1f}"


def _point_toml(p: PointSpec) -> str:
    return f'{{ landmark = "{p.landmark}", offset_mm = [{", ".join(_num(v) for v in p.offset_mm)}] }}'


def anatomy_toml(anatomy: Anatomy, header: list[str] = ()) -> str:
    """The text of an anatomy file (readable by Anatomy.from_file) with ``header`` as comment lines."""
    out = [f"# {h}" if h else "#" for h in header]
    out += [f"reference_ipd_mm = {_num(anatomy.reference_ipd_mm)}", ""]
    for m in anatomy.muscles:
        out += ["[[muscle]]", f'name = "{m.name}"', f'label = "{m.label}"', f'kind = "{m.kind}"',
                f"max_force_n = {_num(m.max_force_n)}"]
        if m.sources:
            out.append(f"sources = {{ {', '.join(f'{k} = {json.dumps(v)}' for k, v in m.sources)} }}")
        if m.kind == "linear":
            out.append(f"falloff_mm = {_num(m.falloff_mm)}")
        else:
            out.append(f"semi_axes_mm = [{', '.join(_num(v) for v in m.semi_axes_mm)}]")
            out.append(f"midline_taper_mm = {_num(m.midline_taper_mm)}")
        if m.region:
            out.append(f'region = "{m.region}"')
        for key in ("insertion", "origin", "centre"):
            p = getattr(m, key)
            if p is not None:
                out.append(f"{key} = {_point_toml(p)}")
        t = m.territory
        if t is not None:
            parts = []
            if t.length_fraction is not None:
                parts.append(f"length_fraction = {_num(t.length_fraction)}")
            else:
                parts += [f"start = {_point_toml(t.start)}", f"end = {_point_toml(t.end)}"]
            parts += [f"half_width_mm = {_num(t.half_width_mm)}", f'depth = "{t.depth}"']
            out.append(f"territory = {{ {', '.join(parts)} }}")
        out.append("")
    return "\n".join(out)
