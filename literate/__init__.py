"""literate: tangle the book's chapters into ``code/``, and replay them in a kernel."""

from literate.errors import LiterateError

__all__ = ["LiterateError"]
