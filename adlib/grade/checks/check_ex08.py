"""Exercise 8: a differentiable simulation -- notebook 10's ball, forward and reverse mode by hand.

Expected values come from adlib (the step written with adlib.numpy, differentiated by
``adlib.jvp``, ``adlib.vjp`` and ``adlib.grad`` through the whole loop).  A named mistake is
the derivative of a slightly wrong step (``_step``'s keywords), or a wrong loop, computed the
same way; they are computed only when an answer is wrong.
"""
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.grade import oracle
from adlib.grade.expect import Mistake, as_array, close, fmt

pytestmark = pytest.mark.ex08

G = 9.81
AX = np.array([1.0, 0.0, 0.0, 0.0])   # s̄_N: x_N's derivative with respect to s_N


def _step(s, k, dt, sign=1.0, drag_dt=None, frozen=None, new_velocity=False, move_dt=None):
    """The exercise's Euler step.  The keywords make the wrong steps whose derivatives are the
    named mistakes: the drag's sign flipped, the drag or the move without Δt, the speed held at
    ``frozen``, the position moved with the new velocity."""
    x, y, vx, vy = s[0], s[1], s[2], s[3]
    speed = anp.sqrt(vx * vx + vy * vy) if frozen is None else frozen
    h, m = (dt if drag_dt is None else drag_dt), (dt if move_dt is None else move_dt)
    vx_new = vx - sign * h * k * speed * vx
    vy_new = vy - dt * G - sign * h * k * speed * vy
    return anp.stack([x + m * (vx_new if new_velocity else vx), y + m * (vy_new if new_velocity else vy),
                      vx_new, vy_new])


def _slip(s, name):
    """_step's keywords for the named wrong step at the state s."""
    return {None: {}, "sign": {"sign": -1.0}, "no_dt": {"drag_dt": 1.0},
            "frozen": {"frozen": float(np.hypot(s[2], s[3]))}, "new_velocity": {"new_velocity": True},
            "move_no_dt": {"move_dt": 1.0}}[name]


def launch(angle, speed):
    theta = np.deg2rad(angle)
    return np.array([0.0, 0.0, speed * np.cos(theta), speed * np.sin(theta)])


def trajectory(angle, speed, k, dt, steps):
    """The states s_0, ..., s_N, shape (N + 1, 4)."""
    out = np.empty((steps + 1, 4))
    out[0] = launch(angle, speed)
    for n in range(int(steps)):
        out[n + 1] = _step(out[n], k, dt)
    return out


def _x_final(s0, k, dt, steps):
    s = s0
    for _ in range(int(steps)):
        s = _step(s, k, dt)
    return s[0]


def slope(s0, k, dt, steps):
    """dx_N/dk by adlib's forward mode through the whole loop."""
    return float(adlib.jvp(lambda k: _x_final(s0, k, dt, steps), (float(k),), (1.0,))[1])


def reverse(s0, k, dt, steps):
    """(dx_N/ds_0, dx_N/dk) by adlib's reverse mode through the whole loop."""
    return oracle.grad(lambda s, k: _x_final(s, k, dt, steps), (s0, k))


def tangent_step(s, t, k, dt, slip=None, direct=1.0):
    """ṡ_{n+1} by adlib.jvp of the (possibly wrong) step; ``direct=0`` leaves out ∂step/∂k."""
    kw = _slip(s, slip)
    return np.asarray(adlib.jvp(lambda s_, k_: _step(s_, k_, dt, **kw), (s, float(k)), (t, direct))[1], float)


def adjoint_step(s, a, k, dt, slip=None):
    """(s̄_n, c) by adlib.vjp of the (possibly wrong) step; ``slip="untransposed"``: J s̄_{n+1} for s̄_n."""
    kw = _slip(s, None if slip == "untransposed" else slip)
    s_bar, c = oracle.vjp(lambda s_, k_: _step(s_, k_, dt, **kw), (s, k), a)
    return (tangent_step(s, a, k, dt, direct=0.0) if slip == "untransposed" else s_bar), float(c)


def tangent_loop(states, k, dt, slip=None, shift=0, direct=1.0):
    """The first entry of ṡ_N, carried through the stored states (``shift=1``: each step's
    derivative taken at the state it ends at)."""
    t = np.zeros(4)
    for n in range(len(states) - 1):
        t = tangent_step(states[n + shift], t, k, dt, slip, direct)
    return t[0]


def adjoint_loop(states, k, dt, slip=None, order=-1, shift=0, overwrite=False):
    """(s̄_0, k̄) by a sweep over the stored states: ``order=1`` forward, ``shift=1`` each step at
    the state it ends at, ``overwrite`` k̄ = c instead of k̄ += c."""
    a, k_bar = AX, 0.0
    for n in range(len(states) - 1)[::order]:
        a, c = adjoint_step(states[n + shift], a, k, dt, slip)
        k_bar = c if overwrite else k_bar + c
    return a, k_bar


SLIPS = {"new_velocity": "the position's tangent is updated with the new velocity's tangent; the step uses "
                         "v_n, not v_{n+1}: ẋ' = ẋ + Δt v̇x with the old v̇x",
         "sign": "a sign error in the drag term's derivative: vx' = vx - Δt k v vx gives ∂vx'/∂k = -Δt v vx",
         "no_dt": "the drag term's derivative is missing its factor Δt: ∂vx'/∂k = -Δt v vx, not -v vx",
         "frozen": "the speed v is treated as a constant, but it depends on vx and vy: "
                   "∂v/∂vx = vx / v and ∂v/∂vy = vy / v",
         "move_no_dt": "the position's tangent is missing its factor Δt: x' = x + Δt vx gives ẋ' = ẋ + Δt v̇x"}
ADJOINT_SLIPS = {"untransposed": "the adjoint is multiplied by the step's Jacobian, not by its transpose: "
                                 "x' = x + Δt vx sends Δt x̄' to v̄x (not Δt v̄x' to x̄)",
                 "sign": SLIPS["sign"], "no_dt": SLIPS["no_dt"], "frozen": SLIPS["frozen"],
                 "move_no_dt": "the move's adjoint is missing its factor Δt: x' = x + Δt vx sends Δt x̄' to v̄x"}
NO_DIRECT = ("the direct term ∂step/∂k is missing: k enters every step, so each step adds "
             "-Δt v vx and -Δt v vy to the velocity's tangent")


def _scaled(want, dt, name):
    """Mistakes any derivative can have: a factor Δt, the sign, nothing at all."""
    zero = (f"{name} is 0: the sweep starts from s̄_N = (1, 0, 0, 0), and x̄ goes back unchanged (x' = x + Δt vx)"
            if name == "dx_N/ds_0" else
            f"{name} is 0: k reaches x_N through the direct term ∂step/∂k (-Δt v vx and -Δt v vy at every step) "
            "and the move (ẋ' = ẋ + Δt v̇x); check that both are there")
    return [(want * dt, "the derivative is off by a factor Δt (multiplied by Δt once too often)"),
            (want / dt, "the derivative is off by a factor Δt (a factor Δt is missing)"),
            (-want, "the sign is flipped"), (np.zeros_like(np.asarray(want, float)), zero)]


NAMED = 500   # the longest flight whose wrong answers are named (each name is a loop of adlib calls)


def compare(got, want, what, explain, rtol=1e-6):
    """close(), with the named mistakes (``explain()``, a list) computed only when the answer is wrong."""
    try:
        close(got, want, what, rtol=rtol)
    except Mistake:
        close(got, want, what, rtol=rtol, mistakes=explain())


def pair(got, function, what):
    if not isinstance(got, list) or len(got) != 2:
        raise Mistake(f"{function} must return the pair {what}; it returned {fmt(got)}")
    return got


def draw(rng, angle=(15, 75), speed=(8, 35), drag=(0.005, 0.06), dt=(0.01, 0.04), steps=(20, 150)):
    """A random launch: (angle, speed, k, Δt, N)."""
    return (float(rng.uniform(*angle)), float(rng.uniform(*speed)), float(rng.uniform(*drag)),
            float(rng.uniform(*dt)), int(rng.integers(*steps)))


def draw_state(rng, far=0.0):
    """A random state (x, y, vx, vy) and k, Δt; ``far``: the position that far from the launch."""
    position = rng.uniform(-5, 40, 2) + far * rng.choice([-1, 1], 2) * rng.uniform(1, 3, 2)
    velocity = rng.uniform(3, 30, 2) * rng.choice([-1, 1], 2)
    return np.concatenate([position, velocity]), float(rng.uniform(0.005, 0.06)), float(rng.uniform(0.01, 0.04))


FAR = ("That far from the launch point, a finite difference (step(s + h ṡ) - step(s - h ṡ)) / 2h loses the "
       "digits of x to rounding; the chain rule does not (ẋ' = ẋ + Δt v̇x does not involve x at all)")


def exact_far(check, student, rng, far):
    """``check`` at a state ``far`` from the launch, to 9 digits; an unexplained miss is blamed on a
    finite difference."""
    try:
        check(student, rng, far=far, rtol=1e-9)
    except Mistake as mistake:
        if "It looks like" in str(mistake):
            raise
        raise Mistake(f"{mistake} {FAR}") from None


def check_step_tangent(student, rng, far=0.0, rtol=1e-6):
    """step_tangent carries ṡ through one step by the chain rule (exactly, even far from the launch)"""
    s, k, dt = draw_state(rng, far)
    t = rng.normal(size=4) * rng.uniform(0.5, 20, 4)
    got = student.call("step_tangent", s, t, k, dt)
    where = f"step_tangent at s = {fmt(s)} with ṡ = {fmt(t)}, k = {k:.4g}, Δt = {dt:.4g}"
    want = tangent_step(s, t, k, dt)
    compare(got, want, where, lambda: [(tangent_step(s, t, k, dt, slip), text) for slip, text in SLIPS.items()]
            + [(tangent_step(s, t, k, dt, direct=0.0), NO_DIRECT)] + _scaled(want, dt, "ṡ_{n+1}")[:3], rtol)


def check_step_adjoint(student, rng, far=0.0, rtol=1e-6):
    """step_adjoint takes s̄ back through one step by the transposed Jacobian (exactly, even far away)"""
    s, k, dt = draw_state(rng, far)
    a = rng.normal(size=4) * rng.uniform(0.5, 5, 4)
    got = pair(student.call("step_adjoint", s, a, k, dt), "step_adjoint", "(s̄_n, c)")
    where = f"step_adjoint at s = {fmt(s)} with s̄_(n+1) = {fmt(a)}, k = {k:.4g}, Δt = {dt:.4g}"
    want = adjoint_step(s, a, k, dt)
    variants = lambda i: [(adjoint_step(s, a, k, dt, slip)[i], text)  # noqa: E731
                          for slip, text in ADJOINT_SLIPS.items()] + _scaled(want[i], dt, "it")[:3]
    compare(got[0], want[0], f"s̄_n from {where}", lambda: variants(0), rtol)
    compare(got[1], want[1], f"the share c of k̄ from {where}", lambda: variants(1), rtol)


def check_distance_and_slope(student, rng, **ranges):
    """distance_and_slope carries the tangent through every step (forward mode)"""
    angle, speed, k, dt, steps = draw(rng, **ranges)
    out, calls, carried = student.call("distance_and_slope", angle, speed, k, dt, steps)
    got = pair(out, "distance_and_slope", "(x_N, dx_N/dk)")
    states = trajectory(angle, speed, k, dt, steps)
    what = f"for a launch at {angle:.4g}°, {speed:.4g} m/s, k = {k:.4g}, Δt = {dt:.4g}, N = {steps}"
    close(got[0], states[-1, 0], f"x_N {what}", mistakes=[
        (trajectory(np.rad2deg(angle), speed, k, dt, steps)[-1, 0], "the angle is in degrees: θ = angle·π/180")])
    want = slope(states[0], k, dt, steps)

    def explain():
        if steps > NAMED:
            return _scaled(want, dt, "dx_N/dk")
        return [(tangent_loop(states, k, dt, shift=1), "your loop takes each step's derivative at the new state "
                 "s_{n+1}: update the tangent with the state the step starts from, s_n, before moving on")] + [
            (tangent_loop(states, k, dt, slip), text) for slip, text in SLIPS.items()] + [
            (tangent_loop(states, k, dt, direct=0.0), NO_DIRECT)] + _scaled(want, dt, "dx_N/dk")
    compare(got[1], want, f"dx_N/dk {what}", explain)
    if calls != steps:
        raise Mistake(f"distance_and_slope called step_tangent {calls} times for N = {steps} steps: carry the "
                      "tangent through every step with step_tangent, once per step (a finite difference of "
                      "x_N is not the chain rule)")
    if carried != steps:
        raise Mistake(f"{steps - carried} of distance_and_slope's {steps} calls of step_tangent were not handed "
                      "the tangent the step before returned: carry one tangent through the loop, from ṡ_0 = 0, "
                      "tangent = step_tangent(states[n], tangent, drag, dt), and take dx_N/dk from it")


def check_reverse_gradient(student, rng, **ranges):
    """reverse_gradient sweeps back over the stored states (reverse mode)"""
    angle, speed, k, dt, steps = draw(rng, **ranges)
    states = trajectory(angle, speed, k, dt, steps)
    out, visited, carried = student.call("reverse_gradient", states, k, dt)
    got = pair(out, "reverse_gradient", "(dx_N/ds_0, dx_N/dk)")
    what = (f"for N = {steps} (states s_0 to s_{steps} of a launch at {angle:.4g}°, {speed:.4g} m/s, "
            f"k = {k:.4g}, Δt = {dt:.4g})")
    want = reverse(states[0], k, dt, steps)
    loops = {"forward": ({"order": 1}, "your reverse sweep visits the steps in forward order: start at the "
                                       "last step, n = N-1, and go back to n = 0"),
             "shift": ({"shift": 1}, "each step's derivative is taken at the state it ends at, s_{n+1}; "
                                     "step n goes back from s_n (states[n])"),
             "overwrite": ({"overwrite": True}, "k̄ is overwritten at every step (=) where each step's share "
                                                "must be added (+=)")}
    loops.update({slip: ({"slip": slip}, text) for slip, text in ADJOINT_SLIPS.items()})

    swept = []   # each wrong sweep, run once (only when an answer is wrong) for both answers

    def explain(i):
        def mistakes():
            if not swept and steps <= NAMED:
                swept.extend((adjoint_loop(states, k, dt, **kw), text) for kw, text in loops.values())
            return [(value[i], text) for value, text in swept] + _scaled(want[i], dt, "dx_N/dk" if i else "dx_N/ds_0")
        return mistakes
    compare(got[0], want[0], f"dx_N/ds_0 {what}", explain(0))
    compare(got[1], want[1], f"dx_N/dk {what}", explain(1))
    order = list(range(steps - 1, -1, -1))
    if visited != order:
        seen = "in forward order" if visited == order[::-1] else (
            "starting each step at s_{n+1}" if visited == [n + 1 for n in order] else
            f"{len(visited)} times for N = {steps} steps")
        raise Mistake(f"reverse_gradient called step_adjoint {seen}: sweep over the stored states with "
                      "step_adjoint, once per step, from n = N-1 back to n = 0, each at states[n]")
    if carried != steps:
        raise Mistake(f"{steps - carried} of reverse_gradient's {steps} calls of step_adjoint were not handed "
                      "the s̄ the step after returned: carry one adjoint back through the loop, from "
                      "s̄_N = (1, 0, 0, 0), s̄, c = step_adjoint(states[n], s̄, drag, dt), and take dx_N/ds_0 "
                      "from it")


def fit(student, rng, drag=(0.005, 0.06), iterations=8, **ranges):
    """(the student's drags, their calls [k, x_N, slope], the true k, x_seen, ...) of a fit from k = 0."""
    angle, speed, k, dt, steps = draw(rng, drag=drag, **ranges)
    x_seen = float(trajectory(angle, speed, k, dt, steps)[-1, 0])
    ks, seen = student.call("fit_drag", angle, speed, dt, steps, x_seen, 0.0, iterations)
    ks = as_array(ks, "fit_drag").reshape(-1)
    if ks.shape != (iterations,):
        raise Mistake(f"fit_drag must return the list of the {iterations} drags after each iteration; "
                      f"it returned {fmt(ks)}")
    return ks, seen, k, x_seen, (angle, speed, dt, steps)


@pytest.mark.points(1)
def test_step(student, rng):
    """step takes one explicit Euler step"""
    s, k, dt = draw_state(rng)
    want = np.asarray(_step(s, k, dt))
    close(student.call("step", s, k, dt), want, f"step at s = {fmt(s)}, k = {k:.4g}, Δt = {dt:.4g}", mistakes=[
        (_step(s, k, dt, new_velocity=True), "the position moves with the new velocity v_{n+1}; explicit Euler "
                                             "uses the old one: x' = x + Δt vx"),
        (_step(s, k, dt, sign=-1.0), "drag must slow the ball down: vx' = vx - Δt k v vx"),
        (want + [0, 0, 0, 2 * dt * G], "gravity pulls down: vy' = vy - Δt (g + k v vy)")])


@pytest.mark.points(1)
def test_simulate(student, rng):
    """simulate keeps every state, from the launch s_0 to s_N"""
    angle, speed, k, dt, steps = draw(rng)
    got = student.call("simulate", angle, speed, k, dt, steps)
    close(got, trajectory(angle, speed, k, dt, steps), f"simulate({angle:.4g}, {speed:.4g}, {k:.4g}, {dt:.4g}, "
          f"{steps})", shape_hint=f"it must have N + 1 = {steps + 1} rows (the launch s_0, then one per step) of "
          "4 numbers (x, y, vx, vy)", mistakes=[(trajectory(np.rad2deg(angle), speed, k, dt, steps),
                                                  "the angle is in degrees: θ = angle·π/180")])


def _mode_test(check, far=None):
    """A 2-point test named and described after ``check``: it runs ``check``, and again ``far``
    metres from the launch when given (where the chain rule stays exact and a difference
    quotient does not)."""
    @pytest.mark.points(2)
    def test(student, rng):
        check(student, rng)
        if far is not None:
            exact_far(check, student, rng, far=far)
    name = "test_" + check.__name__.removeprefix("check_")
    test.__name__, test.__qualname__, test.__doc__ = name, name, check.__doc__
    return test


test_step_tangent = _mode_test(check_step_tangent, far=1e8)
test_distance_and_slope = _mode_test(check_distance_and_slope)
test_step_adjoint = _mode_test(check_step_adjoint, far=1e8)
test_reverse_gradient = _mode_test(check_reverse_gradient)


@pytest.mark.points(1)
def test_fit_takes_newton_steps(student, rng):
    """fit_drag updates k ← k - (x_N - x_seen) / (dx_N/dk) with your distance_and_slope"""
    ks, seen, _, x_seen, _ = fit(student, rng)
    if len(seen) < len(ks):
        raise Mistake(f"fit_drag called distance_and_slope {len(seen)} times for {len(ks)} iterations: take "
                      "x_N and dx_N/dk from it once per iteration")
    start = 0.0
    for i, (k_i, call) in enumerate(zip(ks, seen)):
        if call is None:
            raise Mistake("distance_and_slope must return the pair (x_N, dx_N/dk)")
        k, x, s = call
        if not np.isclose(k, start, rtol=1e-12, atol=1e-15):
            raise Mistake(f"iteration {i + 1} of fit_drag asked distance_and_slope about k = {k:.6g}, but the "
                          f"drag then was {start:.6g}: evaluate x_N and its slope at the current k")
        k, miss, s = np.float64(k), np.float64(x - x_seen), np.float64(s)
        with np.errstate(all="ignore"):   # a wrong slope (0, nan) is judged by the other tests
            newton, away, plain = k - miss / s, k + miss / s, k - miss * s
        close(k_i, newton, f"the drag after iteration {i + 1} (from k = {k:.6g}, where x_N = {x:.6g} and your "
              f"dx_N/dk = {s:.6g})", rtol=1e-9, mistakes=[
                  (away, "the update moves k the wrong way: k ← k - (x_N - x_seen) / (dx_N/dk)"),
                  (plain, "that is a gradient step with learning rate 1; with 1/(dx_N/dk)², "
                          "k ← k - (x_N - x_seen) / (dx_N/dk)")])
        if not np.isfinite(k_i):
            break
        start = k_i


@pytest.mark.points(1)
def test_fit_recovers_drag(student, rng):
    """fit_drag, with exact slopes, finds the drag the ball was thrown with"""
    ks, seen, k_true, x_seen, (angle, speed, dt, steps) = fit(student, rng)
    s0 = launch(angle, speed)
    for call in seen[:len(ks)]:
        exact = slope(s0, call[0], dt, steps) if call is not None and abs(call[0]) < 1 else None
        if exact is not None and np.isfinite(exact) and not np.isclose(call[2], exact, rtol=1e-6):
            raise Mistake(f"fit_drag used your distance_and_slope, whose dx_N/dk at k = {call[0]:.6g} is "
                          f"{call[2]:.6g}, expected {exact:.6g}: fix it first")
    close(ks[-1], k_true, f"the drag found after {len(ks)} iterations (the ball was seen at x_N = {x_seen:.6g} m)",
          rtol=1e-6)
