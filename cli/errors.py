"""The command line's one error policy: one line on stderr; exit code 2 for bad input, 3 for a safety refusal.

Every command runs inside :func:`run_reporting_errors` (cli/group.py calls it),
which catches the engine's :class:`~facesim.errors.FacesimError` and typer's
own usage errors (missing argument, bad option value, unknown option) alike and
prints each as ``facesim: error: ...``. Commands never catch errors to print them.
"""

from __future__ import annotations

import typer

from facesim.errors import FacesimError, SafetyRefusal

try:  # typer >= 0.20 carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError

BAD_INPUT = 2
SAFETY_REFUSAL = SafetyRefusal.exit_code  # 3: refused for the patient's safety (refer first)


def error_line(message: str) -> str:
    """``facesim: error: <message>`` on one line (newlines and runs of spaces collapsed)."""
    return "facesim: error: " + " ".join(str(message).split())


def usage_error_line(exc: ClickException) -> str:
    """A typer/click error as one line, pointing at the command's --help."""
    line = error_line(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, UsageError) and ctx is not None:
        line += f" (see '{ctx.command_path} --help')"
    return line


def run_reporting_errors(call) -> int:
    """Run ``call()`` (the app in non-standalone mode) and return the process exit code.

    Usage errors and FacesimError become one line on stderr and exit code 2;
    a help page asked for by giving no arguments is shown as click shows it.
    """
    try:
        code = call()
    except NoArgsIsHelpError as exc:
        exc.show()
        return exc.exit_code
    except ClickException as exc:
        typer.echo(usage_error_line(exc), err=True)
        return exc.exit_code
    except SafetyRefusal as exc:
        typer.echo("facesim: refused: " + " ".join(str(exc).split()), err=True)
        return SAFETY_REFUSAL
    except FacesimError as exc:
        typer.echo(error_line(str(exc)), err=True)
        return BAD_INPUT
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        return 1
    return code if isinstance(code, int) else 0
