"""The command line's one error policy: one line on stderr; exit code 2 for bad input, 3 for a safety refusal.

Every command runs inside :func:`run_reporting_errors` (cli/group.py calls it),
which catches the engine's :class:`~facesim.errors.FacesimError` and typer's
own usage errors (missing argument, bad option value, unknown option) alike and
prints each as ``facesim: error: ...``. Commands never catch errors to print them.
"""

from __future__ import annotations

import signal

import typer

from facesim.errors import FacesimError, SafetyRefusal

try:  # typer >= 0.20 carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError

BAD_INPUT = 2
INTERRUPTED = 130  # 128 + SIGINT, as shells report it
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


def interrupted() -> int:
    """Ctrl-C: one line, exit code 130 (outputs are written whole or not at all, so nothing half-written)."""
    typer.echo("facesim: interrupted; nothing written", err=True)
    return INTERRUPTED


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that staged outputs are cleaned up as after Ctrl-C."""


def _terminate(signum, frame):
    raise Terminated()


def run_reporting_errors(call) -> int:
    """Run ``call()`` (the app in non-standalone mode) and return the process exit code.

    Usage errors and FacesimError become one line on stderr and exit code 2;
    a help page asked for by giving no arguments is shown as click shows it.
    """
    import threading

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main else None
    try:
        code = call()
    except Terminated:
        typer.echo("facesim: terminated; nothing written", err=True)
        return 128 + signal.SIGTERM
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
    except (KeyboardInterrupt, typer.Abort):
        return interrupted()
    except SystemError as exc:  # Ctrl-C landing inside compiled code arrives wrapped
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            return interrupted()
        raise
    except MemoryError:
        typer.echo(error_line("not enough memory for this request; use fewer --samples or --vertices, or a "
                              "coarser --step"), err=True)
        return BAD_INPUT
    except OSError as exc:  # a path the system refuses (too long, a folder, a device)
        where = f"{str(exc.filename)[:80]}: " if exc.filename else ""
        typer.echo(error_line(f"{where}{exc.strerror or exc}; give a valid path"), err=True)
        return BAD_INPUT
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    return code if isinstance(code, int) else 0
