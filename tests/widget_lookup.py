"""Find a widget's controls by CSS class, as the browser tests do, but from Python."""
from __future__ import annotations


def by_class(widget, cls, found=None):
    """Every widget under ``widget`` (itself included) that carries the CSS class ``cls``."""
    found = [] if found is None else found
    if cls in getattr(widget, "_dom_classes", ()):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        by_class(child, cls, found)
    return found


def one(box, cls):
    """The one widget under ``box`` with the CSS class ``cls`` (fails if there are none or several)."""
    (widget,) = by_class(box, cls)
    return widget
