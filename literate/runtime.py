"""``add_to_class``, which every chapter's kernel has; book/making.md explains it."""


def add_to_class(cls):
    """Decorator: attach a function, property, staticmethod or classmethod to ``cls``."""
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
