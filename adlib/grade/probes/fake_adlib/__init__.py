"""The adlib a submission sees while exercise 5 is graded: ``primitive`` and ``defvjp`` only.

Exercise 5 asks for VJP rules; adlib's own rules (and ``adlib.vjp``/``grad`` over
``adlib.numpy``) would answer it, so the real adlib is not in the sandbox.  This
stand-in records what the student registers; the probes chain the registered
rules themselves.
"""
import functools

__all__ = ["primitive", "defvjp"]


class Primitive:
    """A function with VJP rules registered by ``defvjp``."""

    def __init__(self, fn):
        self.fn = fn
        self.vjps = None
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def primitive(fn):
    """Mark ``fn`` as a primitive (as adlib.primitive does)."""
    return Primitive(fn)


def defvjp(prim, *vjps):
    """Register one VJP rule per argument of ``prim`` (as adlib.defvjp does)."""
    if not isinstance(prim, Primitive):
        raise TypeError(f"defvjp: {getattr(prim, '__name__', prim)!r} is not an adlib.primitive")
    prim.vjps = vjps


def __getattr__(name):
    raise AttributeError(f"adlib.{name} is not available while exercise 5 is graded: only adlib.primitive "
                         "and adlib.defvjp are (adlib's own rules would answer the exercise)")
