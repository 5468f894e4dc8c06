"""What every chapter's kernel has before its first cell: ``add_to_class``.

The book grows a class across cells and chapters, the way *Dive into Deep
Learning* does.  In a chapter, ``@add_to_class(Value)`` attaches the function
below it to the class ``Value`` that already exists in the kernel.  When the
chapters are tangled into ``code/``, the tangler moves that function into the
body of ``class Value`` instead, so the library never contains
``add_to_class`` and never monkeypatches.
"""


def add_to_class(cls):
    """Decorator: attach the decorated function to ``cls`` as a method.

    Works for plain functions and for ``property``, ``staticmethod`` and
    ``classmethod`` objects.  Returns the decorated object unchanged.
    """
    if not isinstance(cls, type):
        raise TypeError(f"add_to_class() needs a class, got {type(cls).__name__} {cls!r}")

    def attach(obj):
        func = obj
        for attr in ("fget", "__func__"):  # property, staticmethod/classmethod
            func = getattr(func, attr, None) or func
        name = getattr(func, "__name__", None)
        if name is None:
            raise TypeError(f"add_to_class({cls.__name__}) cannot attach {obj!r}: it has no name")
        setattr(cls, name, obj)
        return obj

    return attach
