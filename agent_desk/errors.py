"""The root of every error a user can fix: the CLI prints str() as one line, the window shows it.

Kept import-free so that catching it costs nothing at start-up.
"""


class UserError(Exception):
    """A problem in what the user gave us (a file, a setting, an answer); str() says which."""
