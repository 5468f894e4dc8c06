"""The one kind of error the tangler reports: a problem at a place in a file."""


class LiterateError(Exception):
    """A problem in the book, reported as ``path:line: message``.

    ``path`` is shown relative to the project root (``book/03_value.md``);
    ``line`` is 1-based.  The CLI prints ``str(error)`` on one line and exits 2.
    """

    def __init__(self, path, line, message):
        self.path = str(path)
        self.line = int(line)
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(f"{self.path}:{self.line}: {self.message}")
