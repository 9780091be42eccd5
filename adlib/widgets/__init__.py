"""Notebook explorations: thin ipywidgets over plain, tested functions.

Each module holds the computation behind one lesson's widget (a network's loss,
a landscape grid, error curves ...) as ordinary functions with unit tests, plus a
``make_*_widget()`` factory that only wires sliders to them.  Import the module
you need, e.g. ``from adlib.widgets.tiny_network import make_tiny_network_widget``;
nothing is imported here so that ``import adlib`` stays light.
"""
