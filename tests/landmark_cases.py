"""Synthetic landmark sets from the model, as photographs would give them (shared by the assess tests)."""

import numpy as np

from facesim.anatomy.patient import Patient
from facesim.assessment.patient_fit import simulated_landmarks
from facesim.assessment.landmark_formats import raw_from_ibug
from facesim.assessment.landmark_input import Scale, to_landmark_set
from facesim.assessment.landmark_writing import facesim_to_image, ibug_from_named, mirror_ibug

MM_PER_PX = 0.25
ORIGIN_PX = (500.0, 400.0)


def photo_pixels(model, patient, expression, rng=None, noise_mm=0.0, transform=None):
    """(68, 2) pixel landmarks of the model patient; ``transform`` maps named points (mm) first."""
    named = simulated_landmarks(model, patient, expression)
    if transform is not None:
        named = transform(named)
    ibug = ibug_from_named(named)
    if noise_mm:
        ibug = ibug + rng.normal(0.0, noise_mm, ibug.shape)
    return facesim_to_image(ibug, MM_PER_PX, ORIGIN_PX)


def landmark_set(pixels, mirrored=False):
    if mirrored:
        pixels = mirror_ibug(pixels, ORIGIN_PX[0])
    return to_landmark_set(raw_from_ibug(pixels), Scale(mm_per_px=MM_PER_PX))


def jaw_cant(degrees=-4.0):
    """A rigid tilt of the lower face (mouth, chin, jaw) about the right condyle (left side down for < 0)."""
    phi = np.radians(degrees)
    rot = np.array([[np.cos(phi), -np.sin(phi), 0], [np.sin(phi), np.cos(phi), 0], [0, 0, 1]])

    def apply(named):
        pivot = named["tragus_right"]
        lower = named["subnasale"][1] - 3.0
        return {n: (pivot + rot @ (p - pivot)) if p[1] < lower else p for n, p in named.items()}

    return apply


def droop_pixels(model, expression, side="right", mm=4.0):
    """(68, 2) pixel landmarks of an average patient whose ``side`` corner hangs ``mm`` lower in every
    expression (a tissue droop, not muscle): the commissure and, by half, the lip points beside it."""
    def apply(named):
        out = dict(named)
        out[f"cheilion_{side}"] = named[f"cheilion_{side}"] - np.array([0.0, mm, 0.0])
        for lip in (f"upper_lip_{side}", f"lower_lip_{side}"):
            out[lip] = named[lip] - np.array([0.0, 0.5 * mm, 0.0])
        return out

    return photo_pixels(model, Patient(), expression, transform=apply)
