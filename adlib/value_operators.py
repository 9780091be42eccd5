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

__all__ = ["binary_methods", "unary_method", "weighted_sum_function"]

_OP_NAMES = {"relu": "ReLU"}   # micrograd's name for the op, shown in drawings

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
    {node}
    return out
"""

# One node: ``out``, holding ``ans``, its parents and their local derivatives (the same
# for every operation; the binary and unary operators and weighted_sum paste it in).
_NODE = """out = _new(Value)
out.data = ans
out.grad = 0.0
out._first = {first}
{set_da}
out._second = {second}
{set_db}
out._how = {op}"""


def _node(indent, first, second, set_da, set_db, op):
    return _NODE.format(first=first, second=second, set_da=set_da, set_db=set_db, op=op).replace(
        "\n", "\n" + indent)

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
    {node}
    return out
"""

# bias + w_0 x_0 + w_1 x_1 + ... for a neuron: the nodes v * w and v + w build, in the same
# order, with no operator dispatch between them (Values only; anything else takes the operators)
_WEIGHTED_SUM_TEMPLATE = """
def weighted_sum(act, weights, inputs):
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum: {{len(weights)}} weights for {{len(inputs)}} inputs; give one weight per input")
    terms = zip(weights, inputs)
    if type(act) is not Value:         # a number as the bias: the operators, until act is a Value
        for w, x in terms:
            act = act + w * x
            if type(act) is Value:
                break
    for w, x in terms:                 # act is a Value from here on, and so is act + w * x
        if type(w) is not Value or type(x) is not Value:
            act = act + w * x
            continue
        a = w.data
        b = x.data
        ans = {mul}
        {mul_node}
        product = out
        a = act.data
        b = ans
        ans = {add}
        {add_node}
        act = out
    return act
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
    set_db = "if parent is not None:\n    " + _assign("_d_second", d_b, "    ")
    forward = _compile(_BINARY_TEMPLATE.format(
        method="forward", number="b", value_case=_VALUE_OPERAND, general="self, other", own="a", apply=apply,
        node=_node("    ", "self", "parent", _assign("_d_first", d_a, ""), set_db, forward_op)), "forward", **names)
    reflected = _compile(_BINARY_TEMPLATE.format(
        method="reflected", number="a", value_case="", general="other, self", own="b", apply=apply,
        node=_node("    ", "self", "None", _assign("_d_first", d_b, ""), "", op)), "reflected", **names)
    return forward, reflected


def weighted_sum_function(mul, add, value_class):
    """weighted_sum(bias, weights, inputs) = bias + w_0 x_0 + w_1 x_1 + ..., built from the rules
    ``mul`` and ``add`` exactly as ``bias + w_0 * x_0 + ...`` would build it, node for node."""
    code, names = {}, dict(Value=value_class)
    for key, rule in (("mul", mul), ("add", add)):
        apply_source, source_a, source_b = rule.sources
        code[key] = f"({apply_source})" if apply_source is not None else f"{key}_apply(a, b)"
        names.update({f"{key}_apply": rule.apply, f"{key}_d_a": rule.partials[0], f"{key}_d_b": rule.partials[1]})
        indent = " " * 8
        code[f"{key}_node"] = _node(
            indent, "w" if key == "mul" else "act", "x" if key == "mul" else "product",
            _assign("_d_first", _expression(source_a, f"{key}_d_a", "a, b, ans"), ""),
            _assign("_d_second", _expression(source_b, f"{key}_d_b", "a, b, ans"), ""), repr(rule.symbol))
    return _compile(_WEIGHTED_SUM_TEMPLATE.format(**code), "weighted_sum", **names)


def unary_method(rule, value_class):
    """v.<name>() for one Rule, with its local derivative from the rule."""
    derivative = _expression(rule.source, "derivative", "x, ans")
    node = _node("    ", "self", "None", _assign("_d_first", derivative, ""), "",
                 repr(_OP_NAMES.get(rule.name, rule.name)))
    method = _compile(_UNARY_TEMPLATE.format(method=rule.name, node=node), rule.name,
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
