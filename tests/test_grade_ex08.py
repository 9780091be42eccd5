"""Exercise 8 (a differentiable simulation): the reference earns every point, the stub none, each
realistic mistake loses exactly the tests it should with feedback naming it, and hostile answers
(zeros, pasted numbers, finite differences instead of the chain rule) earn nothing they did not do.
The grader's named mistakes are checked against adlib in the grader's own process, too."""
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = EXERCISES["ex08"]
with warnings.catch_warnings():   # the checks' points(n) marker is registered by the grader only
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    from adlib.grade.checks import check_ex08 as check
SOURCE = ROOT / "exercises" / "source" / EXERCISE.filename
STUB = ROOT / "exercises" / EXERCISE.filename

STEP = "step takes one explicit Euler step"
SIMULATE = "simulate keeps every state, from the launch s_0 to s_N"
TANGENT = "step_tangent carries ṡ through one step by the chain rule (exactly, even far from the launch)"
FORWARD = "distance_and_slope carries the tangent through every step (forward mode)"
ADJOINT = "step_adjoint takes s̄ back through one step by the transposed Jacobian (exactly, even far away)"
REVERSE = "reverse_gradient sweeps back over the stored states (reverse mode)"
NEWTON = "fit_drag updates k ← k - (x_N - x_seen) / (dx_N/dk) with your distance_and_slope"
RECOVERS = "fit_drag, with exact slopes, finds the drag the ball was thrown with"
ONE = "both derivatives of a flight of a single step (N = 1)"
LONG = "both derivatives through a loop of 1500 to 2500 small steps"
STRONG = "both derivatives with strong drag, coarse steps, flat, steep and downward launches"
FAR = "step_tangent and step_adjoint are exact 10¹¹ m from the launch point (no finite differences)"
ALL = {STEP, SIMULATE, TANGENT, FORWARD, ADJOINT, REVERSE, NEWTON, RECOVERS, ONE, LONG, STRONG, FAR}


def grade(tmp_path, text, *args):
    """Grade ``text`` as the exercise's file (public and hidden checks); {test name: entry}, total."""
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    (folder / EXERCISE.filename).write_text(text)
    out = tmp_path / "results.json"
    assert main([str(folder / EXERCISE.filename), "--json", str(out), *args]) == 0
    results = json.loads(out.read_text())
    tests = {t["name"].split(": ", 1)[1]: t for t in results["tests"]}
    return tests, results


def edited(edits):
    """The reference solution with each (reference text, wrong text) replaced."""
    text = SOURCE.read_text()
    for old, new in edits:
        assert text.count(old) == 1, f"the reference no longer contains exactly once:\n{old}"
        text = text.replace(old, new)
    return text


def test_reference_earns_every_point(tmp_path):
    tests, results = grade(tmp_path, SOURCE.read_text())
    assert set(tests) == ALL
    assert results["score"] == EXERCISE.max_points == sum(t["max_score"] for t in tests.values())
    hidden = [t for t in tests.values() if t.get("visibility") == "after_due_date"]
    assert sum(t["max_score"] for t in hidden) == EXERCISE.hidden_points


def test_stub_earns_nothing_and_says_not_implemented(tmp_path):
    tests, results = grade(tmp_path, STUB.read_text())
    assert results["score"] == 0 and set(tests) == ALL
    assert all("not implemented yet" in t["output"] for t in tests.values()), tests


TANGENT_DRAG = ("    dvx_next = dvx - dt * (v * vx + drag * (dv * vx + v * dvx))\n"
                "    dvy_next = dvy - dt * (v * vy + drag * (dv * vy + v * dvy))\n")
TANGENT_LOOP = "tangent = step_tangent(states[n], tangent, drag, dt)"
ADJOINT_VX = "    vx_bar = dt * ax + (1 - dt * drag * v) * avx + v_bar * vx / v\n"
ADJOINT_VY = "    vy_bar = dt * ay + (1 - dt * drag * v) * avy + v_bar * vy / v\n"
ADJOINT_OUT = "    return np.array([ax, ay, vx_bar, vy_bar]), -dt * v * (avx * vx + avy * vy)\n"
STEP_OUT = "    return np.array([x + dt * vx, y + dt * vy, vx - dt * drag * v * vx, vy - dt * (g + drag * v * vy)])\n"
TANGENT_OUT = "return np.array([dx + dt * dvx, dy + dt * dvy, dvx_next, dvy_next])"

# name: (edits of the reference, the tests that must fail, a phrase the feedback must contain)
MISTAKES = {
    "tangent_with_new_velocity": (
        [(TANGENT_OUT, "return np.array([dx + dt * dvx_next, dy + dt * dvy_next, dvx_next, dvy_next])")],
        {TANGENT, FORWARD, RECOVERS, ONE, LONG, STRONG, FAR}, "the step uses v_n, not v_{n+1}"),
    "drag_derivative_sign": (
        [(TANGENT_DRAG, TANGENT_DRAG.replace("- dt *", "+ dt *"))],
        {TANGENT, FORWARD, RECOVERS, LONG, STRONG, FAR}, "sign error in the drag term's derivative"),
    "drag_derivative_without_dt": (
        [(TANGENT_DRAG, TANGENT_DRAG.replace("- dt *", "-"))],
        {TANGENT, FORWARD, RECOVERS, LONG, STRONG, FAR}, "drag term's derivative is missing its factor Δt"),
    "position_tangent_without_dt": (
        [(TANGENT_OUT, "return np.array([dx + dvx, dy + dvy, dvx_next, dvy_next])")],
        {TANGENT, FORWARD, RECOVERS, LONG, STRONG, FAR}, "missing its factor Δt"),
    "speed_held_constant": (
        [(TANGENT_DRAG, TANGENT_DRAG.replace("(dv * vx + v * dvx)", "v * dvx").replace("(dv * vy + v * dvy)",
                                                                                         "v * dvy"))],
        {TANGENT, FORWARD, RECOVERS, LONG, STRONG, FAR}, "the speed v is treated as a constant"),
    "no_direct_term": (
        [(TANGENT_DRAG, TANGENT_DRAG.replace("v * vx + drag", "drag").replace("v * vy + drag", "drag"))],
        {TANGENT, FORWARD, RECOVERS, LONG, STRONG, FAR}, "the direct term ∂step/∂k is missing"),
    "tangent_at_the_new_state": (
        [(TANGENT_LOOP, "tangent = step_tangent(states[n + 1], tangent, drag, dt)")],
        {FORWARD, RECOVERS, LONG, STRONG}, "at the new state s_{n+1}"),
    "adjoint_not_transposed": (
        [(ADJOINT_VX, ADJOINT_VX.replace("dt * ax + ", "")), (ADJOINT_VY, ADJOINT_VY.replace("dt * ay + ", "")),
         (ADJOINT_OUT, ADJOINT_OUT.replace("[ax, ay,", "[ax + dt * avx, ay + dt * avy,"))],
        {ADJOINT, REVERSE, ONE, LONG, STRONG, FAR}, "not by its transpose"),
    "reverse_sweep_in_forward_order": (
        [("for n in reversed(range(len(states) - 1)):", "for n in range(len(states) - 1):")],
        {REVERSE, LONG, STRONG}, "visits the steps in forward order"),
    "reverse_sweep_overwrites_k_bar": (
        [("drag_bar += share", "drag_bar = share")],
        {REVERSE, LONG, STRONG}, "k̄ is overwritten at every step"),
    "step_with_new_velocity": (
        [(STEP_OUT, "    vx, vy = vx - dt * drag * v * vx, vy - dt * (g + drag * v * vy)\n"
                    "    return np.array([x + dt * vx, y + dt * vy, vx, vy])\n")],
        {STEP, SIMULATE, FORWARD, RECOVERS, ONE, LONG, STRONG}, "explicit Euler uses the old one"),
    "angle_in_radians": (
        [("theta = angle * np.pi / 180", "theta = angle")],
        {SIMULATE, FORWARD, RECOVERS, ONE, LONG, STRONG}, "the angle is in degrees"),
    "fit_moves_the_wrong_way": (
        [("drag = drag - (x_N - x_seen) / slope", "drag = drag + (x_N - x_seen) / slope")],
        {NEWTON, RECOVERS}, "moves k the wrong way"),
    "fit_plain_gradient_step": (
        [("drag = drag - (x_N - x_seen) / slope", "drag = drag - (x_N - x_seen) * slope")],
        {NEWTON, RECOVERS}, "a gradient step with learning rate 1"),
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_a_mistake_loses_its_tests_and_is_named(tmp_path, name):
    edits, failing, phrase = MISTAKES[name]
    tests, results = grade(tmp_path, edited(edits))
    failed = {n for n, t in tests.items() if t["score"] < t["max_score"]}
    assert failed == failing, {n: tests[n]["output"] for n in failed ^ failing}
    assert results["score"] == EXERCISE.max_points - sum(tests[n]["max_score"] for n in failing)
    assert any(phrase in tests[n]["output"] for n in failing), {n: tests[n]["output"] for n in failing}


ZEROS = '''import numpy as np
def step(state, drag, dt): return np.zeros(4)
def simulate(angle, speed, drag, dt, steps): return np.zeros((steps + 1, 4))
def step_tangent(state, tangent, drag, dt): return np.zeros(4)
def distance_and_slope(angle, speed, drag, dt, steps):
    for _ in range(steps):
        step_tangent(None, None, drag, dt)      # the loop's shape, without the chain rule
    return 0.0, 0.0
def step_adjoint(state, adjoint, drag, dt): return np.zeros(4), 0.0
def reverse_gradient(states, drag, dt):
    for n in reversed(range(len(states) - 1)):
        step_adjoint(states[n], None, drag, dt)
    return np.zeros(4), 0.0
def fit_drag(angle, speed, dt, steps, x_seen, drag=0.0, iterations=8): return [0.0] * iterations
'''

FINITE_DIFFERENCES = '''
def step_tangent(state, tangent, drag, dt, h=1e-6):
    return (step(state + h * tangent, drag + h, dt) - step(state - h * tangent, drag - h, dt)) / (2 * h)


def distance_and_slope(angle, speed, drag, dt, steps, h=1e-6):
    x_N = lambda k: simulate(angle, speed, k, dt, steps)[-1, 0]
    return x_N(drag), (x_N(drag + h) - x_N(drag - h)) / (2 * h)


def step_adjoint(state, adjoint, drag, dt, h=1e-6):
    columns = [(step(state + h * e, drag, dt) - step(state - h * e, drag, dt)) / (2 * h) for e in np.eye(4)]
    d_drag = (step(state, drag + h, dt) - step(state, drag - h, dt)) / (2 * h)
    return np.array(columns) @ adjoint, d_drag @ adjoint


def reverse_gradient(states, drag, dt, h=1e-6):
    def x_N(start, k):
        for _ in range(len(states) - 1):
            start = step(start, k, dt)
        return start[0]
    s0 = states[0]
    return (np.array([(x_N(s0 + h * e, drag) - x_N(s0 - h * e, drag)) / (2 * h) for e in np.eye(4)]),
            (x_N(s0, drag + h) - x_N(s0, drag - h)) / (2 * h))
'''


def _reference_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("ex08_reference", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pasted():
    """Every function returns what the reference returns for one fixed case, pasted as numbers."""
    m = _reference_module()
    state, vector = np.array([3.0, 4.0, 12.0, 9.0]), np.array([0.3, -0.2, 1.5, 0.7])
    states = m.simulate(60.0, 22.0, 0.02, 0.02, 100)
    values = {"step": m.step(state, 0.02, 0.02), "simulate": states,
              "step_tangent": m.step_tangent(state, vector, 0.02, 0.02),
              "distance_and_slope": m.distance_and_slope(60.0, 22.0, 0.02, 0.02, 100),
              "step_adjoint": m.step_adjoint(state, vector, 0.02, 0.02),
              "reverse_gradient": m.reverse_gradient(states, 0.02, 0.02),
              "fit_drag": m.fit_drag(40.0, 25.0, 0.02, 100, 24.45)}
    text = "import numpy as np\nfrom numpy import array\n"
    for name, value in values.items():
        with np.printoptions(threshold=10 ** 6, precision=17):
            text += f"def {name}(*args, **kwargs):\n    return {value!r}\n"
    return text


def test_zeros_of_the_right_shape_earn_nothing(tmp_path):
    tests, results = grade(tmp_path, ZEROS)
    assert results["score"] == 0, {n: t["output"] for n, t in tests.items() if t["score"]}


def test_pasted_numbers_earn_nothing(tmp_path):
    tests, results = grade(tmp_path, _pasted())
    assert results["score"] == 0, {n: t["output"] for n, t in tests.items() if t["score"]}


def test_finite_differences_are_not_the_chain_rule(tmp_path):
    """Central differences are close, but the loops never call step_tangent or step_adjoint, and far
    from the launch point the differences lose their digits: they earn only the forward pass and
    the fit (which may use any correct slope)."""
    text = SOURCE.read_text()
    for name in ("step_tangent", "distance_and_slope", "step_adjoint", "reverse_gradient"):
        start = text.index(f"\ndef {name}(")
        text = text[:start] + "\n" + text[text.index("\ndef ", start + 1):]
    tests, results = grade(tmp_path, text + FINITE_DIFFERENCES)
    failed = {n for n, t in tests.items() if t["score"] < t["max_score"]}
    assert failed == ALL - {STEP, SIMULATE, NEWTON, RECOVERS}, {n: tests[n]["output"] for n in failed}
    assert "called step_tangent 0 times" in tests[FORWARD]["output"]
    assert "a finite difference of x_N is not the chain rule" in tests[FORWARD]["output"]
    assert "called step_adjoint 0 times" in tests[REVERSE]["output"]
    assert "loses the digits of x to rounding" in tests[FAR]["output"]


RENAMED = """
_step_adjoint, _distance_and_slope = step_adjoint, distance_and_slope


def step_adjoint(s, a, k, dt):
    return _step_adjoint(s, a, k, dt)


def distance_and_slope(angle, speed, k, dt, steps):
    return _distance_and_slope(angle, speed, k, dt, steps)
"""


def test_parameters_named_otherwise_still_earn_every_point(tmp_path):
    """How the loops used step_adjoint and distance_and_slope is read from the calls' arguments by
    position, not by the template's parameter names (a student may call the state s and the drag k)."""
    tests, results = grade(tmp_path, SOURCE.read_text() + RENAMED)
    lost = {n: t["output"] for n, t in tests.items() if t["score"] < t["max_score"]}
    assert results["score"] == EXERCISE.max_points, lost


def test_a_finite_difference_behind_the_loops_shape_is_not_forward_mode(tmp_path):
    """The loop calls step_tangent once per step, at the right states, but throws the results away and
    answers with a central difference: the calls must carry the tangent through the loop (with N = 1
    the one call, handed ṡ_0 = 0, is all the loop there is)."""
    text = edited([("        tangent = step_tangent(states[n], tangent, drag, dt)\n"
                    "    return states[-1, 0], tangent[0]",
                    "        step_tangent(states[n], np.zeros(4), drag, dt)\n"
                    "    x_N = lambda k: simulate(angle, speed, k, dt, steps)[-1, 0]\n"
                    "    return states[-1, 0], (x_N(drag + 1e-6) - x_N(drag - 1e-6)) / 2e-6")])
    tests, results = grade(tmp_path, text)
    failed = {n for n, t in tests.items() if t["score"] < t["max_score"]}
    assert failed == {FORWARD, LONG, STRONG}, {n: tests[n]["output"] for n in failed}
    assert "were not handed the tangent the step before returned" in tests[FORWARD]["output"]



def test_a_finite_difference_behind_the_sweeps_shape_is_not_reverse_mode(tmp_path):
    """The sweep calls step_adjoint once per step, back from the last, at states[n], each handed
    s̄_N, and answers with central differences: the calls must carry the adjoint back through the loop."""
    text = edited([("        adjoint, share = step_adjoint(states[n], adjoint, drag, dt)\n"
                    "        drag_bar += share\n    return adjoint, drag_bar",
                    "        step_adjoint(states[n], adjoint, drag, dt)\n"
                    "    return reverse_by_differences(states, drag, dt)")])
    fd = FINITE_DIFFERENCES[FINITE_DIFFERENCES.index("\ndef reverse_gradient("):]
    tests, results = grade(tmp_path, text + fd.replace("def reverse_gradient(", "def reverse_by_differences("))
    failed = {n for n, t in tests.items() if t["score"] < t["max_score"]}
    assert failed == {REVERSE, LONG, STRONG}, {n: tests[n]["output"] for n in failed}
    assert "were not handed the s̄ the step after returned" in tests[REVERSE]["output"]


# The grader's side, in this process: its loops agree with adlib's derivatives of the whole loop,
# every named mistake is a different number (so the name given is the right one), the reference
# solution agrees with adlib on many random launches, and its fit converges in 8 iterations.
RANGES = {"public": {}, "one step": {"steps": (1, 2)}, "long": {"dt": (0.001, 0.003), "steps": (1500, 2500)},
          "strong drag": {"angle": (-30, 85), "speed": (2, 12), "drag": (0.1, 0.5), "dt": (0.04, 0.08),
                          "steps": (5, 60)}}


def test_the_grader_loops_agree_with_adlib_through_the_whole_loop():
    rng = np.random.default_rng(8)
    for _ in range(5):
        angle, speed, k, dt, steps = check.draw(rng)
        states = check.trajectory(angle, speed, k, dt, steps)
        assert np.isclose(check.tangent_loop(states, k, dt), check.slope(states[0], k, dt, steps), rtol=1e-10)
        s0_bar, k_bar = check.adjoint_loop(states, k, dt)
        want = check.reverse(states[0], k, dt, steps)
        assert np.allclose(s0_bar, want[0], rtol=1e-10) and np.isclose(k_bar, want[1], rtol=1e-10)
        assert np.isclose(k_bar, check.slope(states[0], k, dt, steps), rtol=1e-10)


def _far_apart(values):
    """True when no two of the values (arrays) agree to the grader's tolerance."""
    flat = [np.atleast_1d(np.asarray(v, float)) for v in values]
    return all(not np.allclose(a, b, rtol=1e-4, atol=1e-6) for i, a in enumerate(flat) for b in flat[i + 1:])


def test_every_named_mistake_is_a_different_number():
    rng = np.random.default_rng(80)
    for _ in range(3):
        angle, speed, k, dt, steps = check.draw(rng)
        states = check.trajectory(angle, speed, k, dt, steps)
        forward = [check.tangent_loop(states, k, dt)] + [check.tangent_loop(states, k, dt, slip) for slip in
                                                          check.SLIPS] + [
            check.tangent_loop(states, k, dt, shift=1), check.tangent_loop(states, k, dt, direct=0.0)]
        assert _far_apart(forward)
        loops = [{}, {"order": 1}, {"shift": 1}, {"overwrite": True}] + [{"slip": s} for s in check.ADJOINT_SLIPS]
        assert _far_apart([check.adjoint_loop(states, k, dt, **kw)[1] for kw in loops])
        assert _far_apart([check.adjoint_loop(states, k, dt, **kw)[0] for kw in loops if "overwrite" not in kw])
        s, k, dt = check.draw_state(rng)
        t = rng.normal(size=4)
        assert _far_apart([check.tangent_step(s, t, k, dt)] + [check.tangent_step(s, t, k, dt, slip) for slip in
                                                                check.SLIPS])
        assert _far_apart([check.adjoint_step(s, t, k, dt)[0]] + [check.adjoint_step(s, t, k, dt, slip)[0]
                                                                   for slip in check.ADJOINT_SLIPS])


@pytest.mark.parametrize("ranges", list(RANGES))
def test_the_reference_agrees_with_adlib_on_many_launches(ranges):
    m = _reference_module()
    rng = np.random.default_rng(len(ranges))
    for _ in range(1 if ranges == "long" else 40):
        angle, speed, k, dt, steps = check.draw(rng, **RANGES[ranges])
        states = m.simulate(angle, speed, k, dt, steps)
        assert np.all(np.isfinite(states)) and np.all(np.abs(states[:, 2:]) < 100)
        assert np.allclose(states, check.trajectory(angle, speed, k, dt, steps), rtol=1e-12, atol=1e-12)
        want = check.reverse(states[0], k, dt, steps)
        assert np.isclose(m.distance_and_slope(angle, speed, k, dt, steps)[1], want[1], rtol=1e-9, atol=1e-12)
        got = m.reverse_gradient(states, k, dt)
        assert np.allclose(got[0], want[0], rtol=1e-9) and np.isclose(got[1], want[1], rtol=1e-9, atol=1e-12)
    for far in (0.0, 1e8, 1e11):
        s, k, dt = check.draw_state(rng, far)
        t = rng.normal(size=4)
        assert np.allclose(m.step_tangent(s, t, k, dt), check.tangent_step(s, t, k, dt), rtol=1e-12, atol=1e-12)
        got, want = m.step_adjoint(s, t, k, dt), check.adjoint_step(s, t, k, dt)
        assert np.allclose(got[0], want[0], rtol=1e-12, atol=1e-12) and np.isclose(got[1], want[1], rtol=1e-12)


def test_the_reference_fit_converges_in_eight_iterations():
    m = _reference_module()
    rng = np.random.default_rng(88)
    for _ in range(40):
        angle, speed, k, dt, steps = check.draw(rng)
        x_seen = float(check.trajectory(angle, speed, k, dt, steps)[-1, 0])
        assert np.isclose(m.fit_drag(angle, speed, dt, steps, x_seen)[-1], k, rtol=1e-9)
