"""The facesim command line (installed as the ``facesim_cli`` package)."""
