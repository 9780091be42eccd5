"""How far a central difference may honestly be from the true derivative.

A central difference (f(x + h) - f(x - h)) / 2h with adlib's default step
h = cbrt(eps) max(1, |x|) carries two errors (adlib.error_model states them):

* truncation, |f'''| h^2 / 6: about 6e-12 |f'''|, well inside a relative 1e-6 of f'
  on the smooth domains the rule tests draw from;
* rounding, from the few ulps by which each computed f(x +- h) may be off, divided
  by 2h: about ulps * eps |f| / h.  It does not shrink with f', so a relative
  tolerance alone fails where f'(x) is near 0 and f(x) is not (d/db a^b = a^b log a
  at a = 0.999999, b = 1 is -1e-6 while a^b = 1: the rounding error is 4e-11).

``central_tolerance`` gives the rounding bound as an absolute term, so the assertion
is ``|central - exact| <= RELATIVE |exact| + central_tolerance(f, x)``.
"""
import numpy as np

from adlib.numeric import EPS, default_step

RELATIVE = 1e-6      # truncation, as a fraction of f'
ULPS = 4             # how many ulps each computed f(x +- h) may be off (libm is within 1)


def central_tolerance(f, x):
    """The rounding error a central difference of f at x may carry: ULPS eps max|f| / h."""
    h = default_step("central", x)
    size = max(abs(float(f(x + h))), abs(float(f(x))), abs(float(f(x - h))))
    return ULPS * EPS * size / h


def assert_central_close(central, exact, f, x):
    """central agrees with exact within truncation (relative) plus rounding (absolute)."""
    allowed = RELATIVE * abs(exact) + central_tolerance(f, x)
    assert abs(central - exact) <= allowed, (
        f"central difference {central!r} vs exact {exact!r} at x = {x!r}: "
        f"off by {abs(central - exact):.3g}, allowed {allowed:.3g}")


def test_the_tolerance_is_tight_where_it_matters():
    """At a = 0.999999 the old relative tolerance fails and the rounding term is what passes;
    the allowance stays far below the derivative's size at ordinary points."""
    f = lambda b: 0.999999 ** b      # noqa: E731
    exact = 0.999999 ** 1.0 * np.log(0.999999)
    assert central_tolerance(f, 1.0) < 1e-9
    assert RELATIVE * abs(exact) < 1e-11
    assert central_tolerance(np.exp, 1.0) < 1e-8 * np.exp(1.0)
