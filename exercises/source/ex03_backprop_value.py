"""Exercise 3 -- Backprop for a scalar Value: the rules notebook 05b leaves out.

The class below starts as the engine of notebook 05b (Build the engine):
``__init__``, ``__repr__``, ``+`` and ``*`` with their backward closures, and the
operations derived from them.  That part is given and not graded.

A Value holds a number (``data``) and the derivative of the final output with
respect to it (``grad``).  Each operation creates its output and a ``_backward``
closure: given ``out.grad`` (the upstream gradient ∂L/∂out), it ADDS each
input's share, ∂L/∂input += ∂out/∂input · out.grad.  Add, never assign: a value
used twice (x in x.log() * x, or in x ** x) receives a gradient from each use.

You write the backward rules of the operations the page does not have --
``**`` with a Value exponent as well as a number, ``/`` as a node of its own,
``tanh``, ``relu``, ``sigmoid`` and ``log`` -- and a ``backward()`` that finds the
reverse topological order WITHOUT recursion: the page's recursive
``topological_order`` raises RecursionError on a chain a few thousand operations
deep, and the graded test builds one.

Grade yourself with

    adlib-grade ex03_backprop_value.py
"""
import math


class Value:
    """A scalar in a computation graph."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- given: + and *, as on the page of notebook 05b ----
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    # ---- yours: the backward rules below ----
    def __pow__(self, other):
        other = other if isinstance(other, Value) else Value(other)   # x ** 2 or x ** w
        out = Value(self.data ** other.data, (self, other), "**")

        def _backward():
            """∂(a^b)/∂a = b·a^(b-1); ∂(a^b)/∂b = a^b·log(a), defined for a > 0 (leave b.grad alone otherwise)"""
            ### BEGIN SOLUTION
            self.grad += other.data * self.data ** (other.data - 1) * out.grad
            if self.data > 0:
                other.grad += out.data * math.log(self.data) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            """∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b²"""
            ### BEGIN SOLUTION
            self.grad += out.grad / other.data
            other.grad -= out.data / other.data * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            """∂tanh(a)/∂a = 1 - tanh(a)²"""
            ### BEGIN SOLUTION
            self.grad += (1 - out.data ** 2) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            """∂relu(a)/∂a = 1 if a > 0 else 0 (0 at a = 0 too)"""
            ### BEGIN SOLUTION
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def sigmoid(self):
        out = Value(1.0 / (1.0 + math.exp(-self.data)), (self,), "sigmoid")

        def _backward():
            """∂σ(a)/∂a = σ(a)·(1 - σ(a))"""
            ### BEGIN SOLUTION
            self.grad += out.data * (1 - out.data) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            """∂log(a)/∂a = 1/a"""
            ### BEGIN SOLUTION
            self.grad += out.grad / self.data
            ### END SOLUTION
        out._backward = _backward
        return out

    # ---- given: derived operations, built from the ones above ----
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return (-self) + other

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return Value(other) / self          # 2 / x goes through your /

    def __rpow__(self, other):
        return Value(other) ** self         # 2 ** x goes through your **

    def backward(self):
        """Set self.grad = 1, then run every node's _backward in reverse topological order.

        Find the order with an explicit stack (no recursion), visiting each node once.
        """
        ### BEGIN SOLUTION
        order, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION
