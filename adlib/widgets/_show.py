"""What the course's widgets and figures share.

* :func:`show_figure` puts a matplotlib figure into an ipywidgets ``Output`` as one
  PNG, replacing what was there.  Setting ``Output.outputs`` directly (rather than
  capturing ``display`` inside a ``with out:`` block) works the same in JupyterLab,
  in Voilà and in a plain Python test, and replaces the old picture in one step,
  without flicker.
* :func:`legend_outside` puts a legend beside the axes, where it can hide no data.
* :func:`pick_function` turns a widget's function name into the function.
"""
from __future__ import annotations

import base64
import io


def figure_png(fig, dpi=80):
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def show_figure(out, fig, dpi=80):
    """Replace the contents of the Output widget ``out`` by the figure, then close the figure."""
    import matplotlib.pyplot as plt

    png = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    title = fig.axes[0].get_title() if fig.axes else "figure"
    out.outputs = ({"output_type": "display_data",
                    "data": {"image/png": png, "text/plain": f"<figure: {title}>"},
                    "metadata": {}},)
    plt.close(fig)


def legend_outside(ax, where="right", **kw):
    """A legend outside the axes (``where``: "right" of them or "below" them), never on the data."""
    kw.setdefault("fontsize", 8)
    if where == "below":
        return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=kw.pop("ncol", 2),
                         frameon=False, **kw)
    if where != "right":
        raise ValueError(f"legend_outside: where must be 'right' or 'below', got {where!r}")
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, frameon=False, **kw)


def pick_function(f, functions):
    """``functions[f]`` for a name ``f``, or ``f`` itself when it is a function."""
    if isinstance(f, str):
        try:
            return functions[f]
        except KeyError:
            raise ValueError(f"unknown function {f!r}; choose one of {', '.join(map(repr, functions))}") from None
    if not callable(f):
        raise TypeError(f"expected a function or one of {list(functions)}, got {type(f).__name__}")
    return f


def tagged(widget, css_class):
    """``widget`` with the CSS class ``css_class`` added: how the browser tests find a control."""
    widget.add_class(css_class)
    return widget
