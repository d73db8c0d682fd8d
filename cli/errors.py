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


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that staged outputs are cleaned up as after Ctrl-C."""


#: The signals received during this run (a compiled loop may wrap the raised exception in a SystemError).
_RECEIVED: list[int] = []


def _on_signal(signum, frame):
    _RECEIVED.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _stopped(signum: int) -> int:
    """One line for a run stopped by a signal; the exit code a shell reports (128 + the signal)."""
    from facesim.outputs import WRITTEN

    word = "terminated" if signum == signal.SIGTERM else "interrupted"
    if WRITTEN:
        typer.echo(f"facesim: {word} after writing {', '.join(str(p) for p in WRITTEN)} (whole); nothing else "
                   "written", err=True)
    else:
        typer.echo(f"facesim: {word}; nothing written", err=True)
    return 128 + signum


def run_reporting_errors(call) -> int:
    """Run ``call()`` (the app in non-standalone mode) and return the process exit code.

    Usage errors and FacesimError become one line on stderr and exit code 2;
    a help page asked for by giving no arguments is shown as click shows it.
    """
    import threading

    main = threading.current_thread() is threading.main_thread()
    _RECEIVED.clear()
    from facesim.outputs import WRITTEN

    WRITTEN.clear()
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)} if main else {}
    try:
        code = call()
        if _RECEIVED:  # typer turns Ctrl-C into a quiet exit 130
            return _stopped(_RECEIVED[-1])
    except Terminated:
        return _stopped(signal.SIGTERM)
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
        return _stopped(signal.SIGINT)
    except (SystemError, ImportError):
        # A signal landing inside compiled code arrives wrapped (SystemError); one landing while a module is
        # being imported (numba, numpy) leaves the import half done and surfaces as an ImportError.
        if _RECEIVED:
            return _stopped(_RECEIVED[-1])
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
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code if isinstance(code, int) else 0
