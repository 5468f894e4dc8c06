"""literate: tangle the book's chapters into the ``scratchgrad`` package.

``python -m literate tangle`` writes ``code/`` from the chapters listed in
``_toc.yml``; ``python -m literate check`` fails when ``code/`` has drifted
from them.  ``literate.replay`` restores, inside a chapter's kernel, the
program state that the earlier chapters built.
"""

from literate.errors import LiterateError

__all__ = ["LiterateError"]
