# Generated from exercises/source/ex07_mode_cost.py by `python -m adlib.grade.make_student`; edit this file.
"""Exercise 7 -- Forward against reverse: counting the cost.

Notebook 07 measured it: the (m, n) Jacobian of f: R^n -> R^m takes n JVPs in
forward mode (one per input: a column each), and one recorded evaluation of f
plus m VJPs in reverse mode (one per output: a row each).  Here you build the
Jacobian both ways from nothing but a given JVP or VJP, say which mode is
cheaper, and count what the two groupings of a chain of Jacobians cost.

The grader hands your functions the JVPs and VJPs of random maps and counts
every call: a Jacobian built with more passes than needed loses points even
when its numbers are right.  Use numpy only.  Grade yourself with

    adlib-grade ex07_mode_cost.py

and try your functions on adlib's own jvp and vjp with  python ex07_mode_cost.py
"""
import numpy as np


def jacobian_by_jvps(jvp, x):
    """The (m, n) Jacobian J of f at x, column by column: forward mode, exactly n JVPs.

    ``jvp(x, v)`` returns the pair (f(x), J v) for one tangent vector v of shape (n,),
    as adlib.jvp does.  Column i of J is J e_i, where e_i is the i-th unit vector
    (1 at position i, 0 elsewhere); m is the size of f(x).
    Call jvp at the point x only, once per input, and return an array of shape (m, n).
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def jacobian_by_vjps(vjp, x):
    """The same (m, n) Jacobian, row by row: reverse mode, f recorded once, then exactly m VJPs.

    ``vjp(x)`` evaluates f at x and records it, as adlib.vjp does: it returns the pair
    (f(x), back), and ``back(u)`` returns uᵀ J (shape (n,): the vector itself, where
    adlib's returns a tuple) for one cotangent u of shape (m,).  Row j of J is e_jᵀ J.
    Call vjp once, then back once per output, and return an array of shape (m, n).
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def cheaper_mode(n, m):
    """The mode that builds the Jacobian of f: R^n -> R^m in fewer passes.

    Return "forward" (n JVPs) when that is fewer, "reverse" (m VJPs) when that is
    fewer, and "tie" when both need the same number.
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def chain_cost(dims, grouping):
    """Multiply-adds to multiply out J = J_k ... J_2 J_1 in one grouping (notebook 07, section 2).

    ``dims = [d_0, d_1, ..., d_k]``: the program maps R^{d_0} -> R^{d_1} -> ... -> R^{d_k},
    so J_i has shape (d_i, d_{i-1}).  An (a x b) times (b x c) product costs a·b·c
    multiply-adds.  ``grouping="forward"`` multiplies from the input end,
    J_k (... (J_3 (J_2 J_1))), carrying d_0 columns along, as forward mode does;
    ``"reverse"`` from the output end, ((J_k J_{k-1}) J_{k-2}) ... J_1, carrying d_k
    rows, as reverse mode does.  J_1 alone needs no product: one Jacobian costs 0.
    Return a whole number.
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


if __name__ == "__main__":
    # Your functions on adlib's own JVP and VJP of f(x) = tanh(A x), each call counted.
    import adlib
    import adlib.numpy as anp

    A = np.random.default_rng(0).normal(size=(3, 5))
    x = np.linspace(-1.0, 1.0, 5)
    calls = {"jvp": 0, "vjp": 0, "back": 0}

    def f(x):
        return anp.tanh(anp.dot(A, x))

    def jvp(x, v):
        calls["jvp"] += 1
        return adlib.jvp(f, (x,), (v,))

    def vjp(x):
        calls["vjp"] += 1
        y, back = adlib.vjp(f, x)

        def counted_back(u):
            calls["back"] += 1
            return back(u)[0]
        return y, counted_back

    J = adlib.jacobian(f)(x)
    print("forward: largest difference from adlib.jacobian", np.abs(jacobian_by_jvps(jvp, x) - J).max(),
          f"with {calls['jvp']} JVPs (n = 5)")
    print("reverse: largest difference from adlib.jacobian", np.abs(jacobian_by_vjps(vjp, x) - J).max(),
          f"with {calls['vjp']} call of vjp and {calls['back']} of back (m = 3)")
    print("cheaper_mode(5, 3):", cheaper_mode(5, 3))
    print("chain_cost([6, 4, 3, 1], ...): forward", chain_cost([6, 4, 3, 1], "forward"),
          "reverse", chain_cost([6, 4, 3, 1], "reverse"), "(notebook 07 prints 90 and 36)")
