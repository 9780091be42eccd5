"""Realistic wrong solutions, each the reference solution with one mistake.

A mistake is written as the exact lines of ``exercises/source/<exercise>.py``
it replaces, so every fixture stays in step with the reference and a reader
sees the mistake itself rather than a whole copied file.
"""
from pathlib import Path

from adlib.grade.exercises import EXERCISES

SOURCE = Path(__file__).resolve().parents[2] / "exercises" / "source"

# name: (exercise, [(reference text, wrong text), ...])
MISTAKES = {
    "ex02_cos_sign": ("ex02", [
        ("return Dual(math.cos(x.real), -math.sin(x.real) * x.dual)",
         "return Dual(math.cos(x.real), math.sin(x.real) * x.dual)"),
    ]),
    # the page engine's + and * are given; every rule the student writes assigns (=) instead of adding (+=)
    "ex03_overwrite": ("ex03", [
        ("self.grad += other.data * self.data ** (other.data - 1) * out.grad",
         "self.grad = other.data * self.data ** (other.data - 1) * out.grad"),
        ("other.grad += out.data * math.log(self.data) * out.grad",
         "other.grad = out.data * math.log(self.data) * out.grad"),
        ("self.grad += out.grad / other.data\n            other.grad -= out.data / other.data * out.grad",
         "self.grad = out.grad / other.data\n            other.grad = -out.data / other.data * out.grad"),
        ("self.grad += (1 - out.data ** 2) * out.grad", "self.grad = (1 - out.data ** 2) * out.grad"),
        ("self.grad += (1.0 if self.data > 0 else 0.0) * out.grad",
         "self.grad = (1.0 if self.data > 0 else 0.0) * out.grad"),
        ("self.grad += out.data * (1 - out.data) * out.grad", "self.grad = out.data * (1 - out.data) * out.grad"),
        ("self.grad += out.grad / self.data", "self.grad = out.grad / self.data"),
    ]),
    "ex03_div_sign": ("ex03", [
        ("other.grad -= out.data / other.data * out.grad", "other.grad += out.data / other.data * out.grad"),
    ]),
    "ex03_pow_no_log": ("ex03", [
        ("other.grad += out.data * math.log(self.data) * out.grad", "other.grad += out.data * out.grad"),
    ]),
    # / written as a derived operation, as notebook 05b would: z = x / w is then a * node
    "ex03_div_composite": ("ex03", [
        ('out = Value(self.data / other.data, (self, other), "/")',
         'return self * other ** -1   # from * and **, like the other derived operations'),
    ]),
    "ex03_relu_at_zero": ("ex03", [
        ("self.grad += (1.0 if self.data > 0 else 0.0) * out.grad",
         "self.grad += (1.0 if self.data >= 0 else 0.0) * out.grad"),
    ]),
    "ex03_recursive_topo": ("ex03", [
        ("""        order, visited = [], set()
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
""", """        # micrograd's recursive topological sort
        order, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                order.append(v)
        build_topo(self)
"""),
    ]),
    "ex04_missing_relu_mask": ("ex04", [
        ("dU2 = dH * (U2 > 0)", "dU2 = dH   # forgot relu's derivative"),
    ]),
    "ex05_missing_unbroadcast": ("ex05", [
        ("return unbroadcast(g, np.shape(b))", "return g"),
    ]),
    "ex05_wrong_reduction": ("ex05", [
        ("return np.broadcast_to(np.expand_dims(g, axis), x.shape).astype(float)",
         "return np.ones_like(x) * np.mean(g)   # right only when g is all ones"),
    ]),
    "ex06_sum_not_mean": ("ex06", [
        ("dz = (1.0 / (1.0 + np.exp(-z)) - y) / n", "dz = (1.0 / (1.0 + np.exp(-z)) - y)   # sum, not mean"),
    ]),
    # Part 4 of issue 12: the mistakes students actually make, each named in the feedback.
    "ex01_forward_for_central": ("ex01", [
        ("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h"),
    ]),
    "ex01_step_too_small": ("ex01", [
        ("def forward_difference(f, x, h=1e-7):", "def forward_difference(f, x, h=1e-13):"),
    ]),
    "ex02_product_tangent_twice": ("ex02", [
        ("self.real * other.dual + self.dual * other.real", "self.dual * other.real + self.dual * other.real"),
    ]),
    "ex02_rsub_reversed": ("ex02", [
        ("return Dual.lift(other) - self", "return self - Dual.lift(other)"),
    ]),
    "ex02_rtruediv_reversed": ("ex02", [
        ("return Dual.lift(other) / self", "return self / Dual.lift(other)"),
    ]),
    "ex03_order_not_reversed": ("ex03", [
        ("for node in reversed(order):", "for node in order:"),
    ]),
    "ex05_softmax_no_subtraction": ("ex05", [
        ("return ans * (g - np.sum(g * ans, axis=-1, keepdims=True))", "return ans * g"),
    ]),
    "ex06_train_never_keeps_update": ("ex06", [
        ("params[k] = params[k] + velocity[k]", "params[k] + velocity[k]"),
    ]),
    "ex06_forward_without_tanh": ("ex06", [
        ('A1 = np.tanh(X @ params["W1"].T + params["b1"])', 'A1 = X @ params["W1"].T + params["b1"]'),
    ]),
}


def wrong_solution(name, table=None):
    """(exercise key, source text) of the named wrong solution (from ``table``, default MISTAKES)."""
    key, edits = (MISTAKES if table is None else table)[name]
    text = (SOURCE / EXERCISES[key].filename).read_text()
    for old, new in edits:
        if text.count(old) != 1:
            raise AssertionError(f"mistake {name}: expected the reference {EXERCISES[key].filename} to contain "
                                 f"exactly once:\n{old}\n(found {text.count(old)}); update MISTAKES")
        text = text.replace(old, new)
    return key, text


def write_wrong_solution(name, folder, table=None):
    """Write the named wrong solution into folder under its exercise's file name; return the path."""
    key, text = wrong_solution(name, table)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / EXERCISES[key].filename
    path.write_text(text)
    return path
