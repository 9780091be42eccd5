"""Exercise 3 -- Backprop for a scalar Value.

A Value holds a number (``data``) and the derivative of the final output with
respect to it (``grad``).  Each operation creates its output and a ``_backward``
closure: given ``out.grad`` (the upstream gradient ∂L/∂out), it ADDS each
input's share, ∂L/∂input += ∂out/∂input · out.grad.  Add, never assign: a value
used twice receives a gradient from each use.  (A well-known blog post's Value
class assigns with ``=``; for u = x + 1, y = x·u at x = 17 that gives 18 or 17
instead of dy/dx = 2x + 1 = 35.)

``backward()`` visits the nodes in reverse topological order, so a node's
``_backward`` runs only after every node that uses it has passed back its share.
Build that order without recursion: graphs can be many thousands of nodes deep.

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

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            """∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1"""
            ### BEGIN SOLUTION
            self.grad += out.grad
            other.grad += out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            """∂(a·b)/∂a = b, ∂(a·b)/∂b = a"""
            ### BEGIN SOLUTION
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def __pow__(self, n):
        assert isinstance(n, (int, float)), "only a number exponent is supported"
        out = Value(self.data ** n, (self,), f"**{n}")

        def _backward():
            """∂(a^n)/∂a = n·a^(n-1)"""
            ### BEGIN SOLUTION
            self.grad += n * self.data ** (n - 1) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            """∂exp(a)/∂a = exp(a) -- not a·exp(a), a slip in some notes"""
            ### BEGIN SOLUTION
            self.grad += self.data * out.data * out.grad
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
            """∂relu(a)/∂a = 1 if a > 0 else 0"""
            ### BEGIN SOLUTION
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    # Derived operations: built from the ones above, so they need no rule of their own.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return (-self) + other

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return Value(other) * self ** -1

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
