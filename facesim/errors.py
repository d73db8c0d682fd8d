"""Exceptions raised by the engine; the CLI turns each into one line and exit code 2 (bad input) or 3
(a safety refusal)."""


class FacesimError(Exception):
    """Base class of every error facesim reports to a user."""


class InputError(FacesimError):
    """A user-supplied value, file or option is invalid (the message names the field and the fix)."""


class DataError(FacesimError):
    """A bundled or user data file (anatomy, expressions, tissue) is malformed."""


class OutputError(FacesimError):
    """An output file cannot be written where it was asked for."""


class OutputExistsError(OutputError):
    """An output file already exists and overwriting was not allowed."""


class SafetyRefusal(FacesimError):
    """The engine refuses for the patient's safety (a red flag: refer first); not bad input (exit code 3)."""

    exit_code = 3
