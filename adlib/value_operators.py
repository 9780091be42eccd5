"""Value's operators, generated from the rule table: the float fast path is the table's own text.

Each rule's text (``rules.BINARY[...].sources``, ``rules.UNARY[...].source``) is
pasted into one template of node-building code and compiled once, when
:mod:`adlib.value` is imported; a rule given as a function is called instead.  So a
node's local derivatives are the table's formulas evaluated on Python floats,
never a second copy of them (tests/test_rules.py checks them against the generic
rules, bit for bit).

>>> from adlib import rules
>>> print(_assign("_d_first", _expression(rules.BINARY["mul"].sources[1], "d_a", "a, b, ans"), "    "))
out._d_first = b
"""
from __future__ import annotations

from . import rules

__all__ = ["binary_methods", "unary_method"]

_OP_NAMES = {"relu": "ReLU"}   # micrograd's name for the op, shown in drawings

# rules.UNARY) is pasted into one template of node-building code and compiled
# once, here: the float fast path is the table's own formula, not a copy of it.
# A rule given as a function (no text) is called instead.

_BINARY_TEMPLATE = """
def {method}(self, other):
    cls = type(other)
    {value_case}if cls is float:
        {number} = other
        parent = None
    elif cls is int:
        try:
            {number} = float(other)
        except OverflowError:     # an int beyond float range: the general path refuses it by name
            return _binary(rule, {general})
        parent = None
    else:
        return _binary(rule, {general})
    {own} = self.data
    ans = {apply}
    out = _new(Value)
    out._seen_by = None
    out.data = ans
    out.grad = 0.0
    out._first = self
    {set_da}
    out._second = parent
    if parent is not None:
        {set_db}
    out._op = {op}
    return out
"""

_VALUE_OPERAND = """if cls is Value:
        b = other.data
        parent = other
    el"""

_UNARY_TEMPLATE = """
def {method}(self):
    x = self.data
    try:
        ans = scalar(x)          # the rule's function on a Python float
    except (ValueError, OverflowError, ZeroDivisionError):
        ans = on_float(x)        # numpy's inf or nan, with its warning
    out = _new(Value)
    out._seen_by = None
    out.data = ans
    out.grad = 0.0
    out._first = self
    out._second = None
    {set_da}
    out._op = {op!r}
    return out
"""


def _expression(source, function_name, arguments):
    """Code for a local derivative: the rule's own text, or a call of the rule's function
    when it was given as one."""
    return source if source is not None else f"{function_name}({arguments})"


def _assign(target, code, indent):
    """Code storing a local derivative in ``out.<target>`` as a Python float: converted
    unless it is one already (a number, or an operand: both are floats here)."""
    if code.isidentifier() or _is_number(code):
        return f"out.{target} = {code}"
    return f"d = {code}\n{indent}out.{target} = d if type(d) is float else float(d)"


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _compile(code, name, **names):
    namespace = dict(vars(rules), _new=object.__new__, **names)
    exec(compile(code, f"<adlib.value: {name}, generated from adlib.rules>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def binary_methods(rule, value_class, fallback):
    """v <op> other and other <op> v for one BinaryRule, with v's local derivatives from the rule.

    An operand that is neither a Value nor a Python float or int goes to
    ``fallback(rule, a, b)``, which checks and converts it.
    """
    op = repr(rule.symbol)
    apply_source, source_a, source_b = rule.sources
    apply = f"({apply_source})" if apply_source is not None else "apply(a, b)"   # a float: see _binary
    d_a = _expression(source_a, "d_a", "a, b, ans")
    d_b = _expression(source_b, "d_b", "a, b, ans")
    names = dict(rule=rule, apply=rule.apply, d_a=rule.partials[0], d_b=rule.partials[1], _pow_name=_pow_name,
                 _POW_NAMES=_POW_NAMES,
                 Value=value_class, _binary=fallback)
    # v ** 2 is drawn as micrograd draws it, "**2"
    forward_op = ('"**" if parent is not None else (_POW_NAMES[cls].get(other) or _pow_name(cls, other))'
                  if rule.name == "pow" else op)
    forward = _compile(_BINARY_TEMPLATE.format(
        method="forward", number="b", value_case=_VALUE_OPERAND, general="self, other", own="a",
        apply=apply, set_da=_assign("_d_first", d_a, "    "), set_db=_assign("_d_second", d_b, "        "),
        op=forward_op), "forward", **names)
    reflected = _compile(_BINARY_TEMPLATE.format(
        method="reflected", number="a", value_case="", general="other, self", own="b",
        apply=apply, set_da=_assign("_d_first", d_b, "    "), set_db="pass", op=op), "reflected", **names)
    return forward, reflected


def unary_method(rule, value_class):
    """v.<name>() for one Rule, with its local derivative from the rule."""
    derivative = _expression(rule.source, "derivative", "x, ans")
    method = _compile(_UNARY_TEMPLATE.format(method=rule.name, set_da=_assign("_d_first", derivative, "    "),
                                             op=_OP_NAMES.get(rule.name, rule.name)), rule.name,
                      scalar=rule.scalar or rule.on_float, on_float=rule.on_float, derivative=rule.derivative,
                      Value=value_class)
    method.__qualname__ = f"Value.{rule.name}"
    method.__doc__ = f"{rule.name} of this Value as a new node: {rule.math}."
    return method


_POW_NAMES = {int: {}, float: {}}


def _pow_name(cls, exponent):
    """micrograd's op name of v ** exponent ("**2", "**0.5"), remembered (up to 1000 of each kind)."""
    names = _POW_NAMES[cls]
    op = names.get(exponent)
    if op is None:
        op = f"**{exponent}"
        if len(names) < 1000:
            names[exponent] = op
    return op
