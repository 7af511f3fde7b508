"""The project's own exception types.

Every error a user can trigger with bad input or an impossible setting is one of
these, with a message that names the file, the column, the rule and the rows.
"""

from __future__ import annotations

__all__ = [
    "SkillshoreError",
    "DataValidationError",
    "ConfigError",
    "ConvergenceError",
    "ModelInputError",
    "OutputFolderError",
    "OutputLockedError",
    "PreflightError",
]


class SkillshoreError(Exception):
    """Base class of every error skillshore raises on purpose."""


class DataValidationError(SkillshoreError):
    """A raw table breaks its schema (see ``docs/data.md``).

    Attributes
    ----------
    problems : list of str
        One readable line per problem found (file, column, rule, offending rows).
    """

    def __init__(self, problems: list[str] | str):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ConfigError(SkillshoreError):
    """The study configuration is missing a key, has a wrong type, or names a missing file."""


class ConvergenceError(SkillshoreError):
    """A solver stopped without meeting its tolerance (message gives iterations and error)."""


class ModelInputError(SkillshoreError, ValueError):
    """Impossible model primitives: negative mass, non-positive scale, shape mismatch."""


class OutputFolderError(SkillshoreError):
    """The output folder cannot be used: a file, under a file, read-only, or foreign files."""


class OutputLockedError(OutputFolderError):
    """Another live run holds the output folder's lock (message names its pid and the lock file)."""


class PreflightError(ConfigError, DataValidationError):
    """``validate``/``run`` found problems before any computation, in the config, the
    files it names or the tables (one line each in ``problems``); caught as either a
    ConfigError or a DataValidationError.
    """
