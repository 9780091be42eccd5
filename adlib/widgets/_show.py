"""Put a matplotlib figure into an ipywidgets Output as one PNG, replacing what was there.

Setting ``Output.outputs`` directly (rather than capturing ``display`` inside a
``with out:`` block) works the same in JupyterLab, in Voilà and in a plain Python
test, and replaces the old picture in one step, without flicker.
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
