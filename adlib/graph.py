"""Computation graphs of Values: walk them, explain a backward pass, draw them.

* :func:`topological_order` lists a graph parents-first with an explicit stack
  (no recursion, so a chain a million operations deep is fine);
* :func:`backward_steps` explains backpropagation as an ordered list of steps,
  each ``grad[node] += local derivative * upstream gradient``;
* :func:`draw_graph` (alias :func:`draw_dot`, the lecture's name) draws the graph
  as SVG, each node showing its label, op, data and grad.

Nothing here computes a derivative: the local derivatives are the ones each
Value recorded from :mod:`adlib.rules` when it was computed.
"""
from __future__ import annotations

from .drawing import GraphDrawing, _find_dot, draw_dot, draw_graph  # noqa: F401  (_find_dot: tests)
from .steps import BackwardSteps, Step, backward_steps
from .value_graph import node_names, topological_order

__all__ = ["topological_order", "backward_steps", "BackwardSteps", "Step",
           "draw_graph", "draw_dot", "GraphDrawing", "node_names"]
