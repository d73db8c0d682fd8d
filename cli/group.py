"""The app's group class: every command runs under the one error policy, and help lists commands in full."""

from __future__ import annotations

import sys

from typer.core import TyperGroup

from .errors import run_reporting_errors


class FacesimGroup(TyperGroup):
    """A typer group whose ``main`` reports errors as one line (cli/errors.py) and whose help
    shows each command's first paragraph whole rather than cut at the terminal width."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        def call():
            return super(FacesimGroup, self).main(args, prog_name, complete_var, standalone_mode=False, **extra)

        if not standalone_mode:
            return call()
        sys.exit(run_reporting_errors(call))

    def format_commands(self, ctx, formatter) -> None:
        rows = [(name, cmd.get_short_help_str(limit=10_000)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
