"""Import pyvista for off-screen rendering on a machine without a display."""

from __future__ import annotations

import os

_pyvista = None


def pyvista():
    """The pyvista module, set up for off-screen rendering with VTK warnings silenced."""
    global _pyvista
    if _pyvista is None:
        if not os.environ.get("DISPLAY"):
            # No X server: render through EGL (headless GPU or Mesa) instead of X.
            os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
        from facesim.outputs import signals_held

        try:
            with signals_held():  # an interrupt inside VTK's module loading is swallowed there and breaks it
                import pyvista as pv
                from vtkmodules.vtkCommonCore import vtkObject  # not `import vtk`: it loads every module (0.3 s)
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError("rendering needs pyvista: pip install pyvista") from exc
        vtkObject.GlobalWarningDisplayOff()
        pv.OFF_SCREEN = True
        # 4x multisampling instead of pyvista's 8x: the edges look the same (compared side by side), and a
        # software-rendered frame takes 0.100 s instead of 0.115 s (2 x 480 x 520 panels).
        pv.global_theme.multi_samples = 4
        _pyvista = pv
    return _pyvista
