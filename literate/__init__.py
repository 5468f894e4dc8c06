"""literate: tangle the book's chapters into ``code/``, and replay them in a kernel."""


class LiterateError(Exception):
    """A problem in the book, shown on one line as ``book/03_value.md:41: message``."""

    def __init__(self, path, line, message):
        self.path = str(path)
        self.line = int(line)
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(f"{self.path}:{self.line}: {self.message}")
