"""What every probe needs: the rule-breaking exception and the ownership checks."""
import os


class InvalidSubmission(Exception):
    """The submission breaks the exercise's rules (e.g. hands in someone else's class)."""


def _defined_in_file(obj, module):
    """True when every function of ``obj`` (a function or a class) was compiled from the student's file."""
    path = os.path.realpath(getattr(module, "__file__", "") or "")
    funcs = [obj] if callable(obj) and hasattr(obj, "__code__") else []
    if isinstance(obj, type):
        for klass in obj.__mro__:
            if klass is object:
                continue
            if klass.__module__ != module.__name__:
                return False
            funcs += [v for v in vars(klass).values() if hasattr(v, "__code__")]
    for fn in funcs:
        if os.path.realpath(fn.__code__.co_filename) != path:
            return False
    return True


def own(module, name, what=None):
    """module.<name>, after checking it is defined in the student's own file."""
    obj = getattr(module, name)
    if getattr(obj, "__module__", None) != module.__name__ or not _defined_in_file(obj, module):
        raise InvalidSubmission(f"{what or name} must be your own, defined in your file "
                                "(not imported, inherited or loaded from elsewhere)")
    return obj
