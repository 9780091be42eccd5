"""Exercise 8 -- A differentiable simulation, by hand.

Notebook 10's ball (section 2), launched at ``angle`` degrees and ``speed`` m/s, with
air drag k (per metre), stepped with explicit Euler steps of Δt seconds.  Its state
after n steps is s_n = (x, y, vx, vy), starting at the launch
s_0 = (0, 0, speed·cos θ, speed·sin θ) with θ = angle·π/180.  One step
s_{n+1} = step(s_n, k):

    v   = sqrt(vx² + vy²)              the speed at step n
    x'  = x  + Δt vx
    y'  = y  + Δt vy
    vx' = vx - Δt k v vx
    vy' = vy - Δt (g + k v vy)         g = 9.81 m/s²

Every right-hand side uses the old state s_n only.  There is no ground here: the loop
always runs N steps, and we ask where the ball is then, x_N, and how x_N depends on
the drag k.  Use numpy only; adlib is not available while your file is graded.

1. ``step`` and ``simulate``: the forward pass, keeping every state.
2. Forward mode by hand.  The tangent ṡ_n = ds_n/dk (four numbers) starts at ṡ_0 = 0
   (the launch does not depend on k) and goes through every step by the multivariate
   chain rule, with the step's derivatives taken at the state s_n it started from:

       ṡ_{n+1} = (∂step/∂s)(s_n) · ṡ_n  +  ∂step/∂k (s_n)

   e.g. ẋ' = ẋ + Δt v̇x.  The speed depends on the state too: v̇ = (vx v̇x + vy v̇y) / v.
   After N steps, dx_N/dk is the first entry of ṡ_N.
3. Reverse mode by hand.  The adjoint s̄_n = ∂x_N/∂s_n starts at s̄_N = (1, 0, 0, 0) and
   goes back over the stored states, n = N-1, ..., 0, by the transposed Jacobians:

       s̄_n = (∂step/∂s)(s_n)ᵀ · s̄_{n+1},        k̄ += s̄_{n+1} · ∂step/∂k (s_n)

   One sweep gives dx_N/dk = k̄, and dx_N/ds_0 = s̄_0 as well (forward mode would need
   one tangent per input for that).
4. ``fit_drag``: find the drag from where the ball was seen, with your derivative.

Grade yourself with

    adlib-grade ex08_differentiable_simulation.py
"""
import numpy as np

g = 9.81   # m/s²


def step(state, drag, dt):
    """One explicit Euler step: the next state (x', y', vx', vy') as an array of shape (4,)."""
    ### BEGIN SOLUTION
    x, y, vx, vy = state
    v = np.sqrt(vx * vx + vy * vy)
    return np.array([x + dt * vx, y + dt * vy, vx - dt * drag * v * vx, vy - dt * (g + drag * v * vy)])
    ### END SOLUTION


def simulate(angle, speed, drag, dt, steps):
    """All the states s_0, ..., s_N (N = ``steps``): an array of shape (steps + 1, 4), row 0 the launch."""
    ### BEGIN SOLUTION
    theta = angle * np.pi / 180
    states = [np.array([0.0, 0.0, speed * np.cos(theta), speed * np.sin(theta)])]
    for _ in range(steps):
        states.append(step(states[-1], drag, dt))
    return np.array(states)
    ### END SOLUTION


def step_tangent(state, tangent, drag, dt):
    """ṡ_{n+1} from ṡ_n (``tangent``, shape (4,)) through the step that starts at s_n (``state``):
    (∂step/∂s)(s_n) ṡ_n + ∂step/∂k (s_n), an array of shape (4,)."""
    ### BEGIN SOLUTION
    x, y, vx, vy = state
    dx, dy, dvx, dvy = tangent
    v = np.sqrt(vx * vx + vy * vy)
    dv = (vx * dvx + vy * dvy) / v
    dvx_next = dvx - dt * (v * vx + drag * (dv * vx + v * dvx))
    dvy_next = dvy - dt * (v * vy + drag * (dv * vy + v * dvy))
    return np.array([dx + dt * dvx, dy + dt * dvy, dvx_next, dvy_next])
    ### END SOLUTION


def distance_and_slope(angle, speed, drag, dt, steps):
    """(x_N, dx_N/dk): simulate, and carry the tangent from ṡ_0 = 0 through every step with
    ``step_tangent`` (once per step, each at the state that step starts from)."""
    ### BEGIN SOLUTION
    states = simulate(angle, speed, drag, dt, steps)
    tangent = np.zeros(4)
    for n in range(steps):
        tangent = step_tangent(states[n], tangent, drag, dt)
    return states[-1, 0], tangent[0]
    ### END SOLUTION


def step_adjoint(state, adjoint, drag, dt):
    """Back through the step that starts at s_n (``state``), given s̄_{n+1} (``adjoint``, shape (4,)):
    the pair (s̄_n, c) with s̄_n = (∂step/∂s)(s_n)ᵀ s̄_{n+1} (shape (4,)) and the number
    c = s̄_{n+1} · ∂step/∂k (s_n), this step's share of k̄."""
    ### BEGIN SOLUTION
    x, y, vx, vy = state
    ax, ay, avx, avy = adjoint
    v = np.sqrt(vx * vx + vy * vy)
    v_bar = -dt * drag * (avx * vx + avy * vy)          # what reaches the speed v from vx' and vy'
    vx_bar = dt * ax + (1 - dt * drag * v) * avx + v_bar * vx / v
    vy_bar = dt * ay + (1 - dt * drag * v) * avy + v_bar * vy / v
    return np.array([ax, ay, vx_bar, vy_bar]), -dt * v * (avx * vx + avy * vy)
    ### END SOLUTION


def reverse_gradient(states, drag, dt):
    """(dx_N/ds_0, dx_N/dk) by one reverse sweep with ``step_adjoint`` over the stored ``states``
    (shape (N + 1, 4), from ``simulate``), from s̄_N = (1, 0, 0, 0) back to s̄_0."""
    ### BEGIN SOLUTION
    adjoint = np.array([1.0, 0.0, 0.0, 0.0])
    drag_bar = 0.0
    for n in reversed(range(len(states) - 1)):
        adjoint, share = step_adjoint(states[n], adjoint, drag, dt)
        drag_bar += share
    return adjoint, drag_bar
    ### END SOLUTION


def fit_drag(angle, speed, dt, steps, x_seen, drag=0.0, iterations=8):
    """The drag k for which the ball is at x_N = ``x_seen`` after ``steps`` steps.

    Gradient descent on L(k) = ½ (x_N(k) - x_seen)², dL/dk = (x_N - x_seen) · dx_N/dk, with
    the learning rate 1/(dx_N/dk)² (the slope's scale changes a lot from one launch to the
    next, and this one adapts to it):

        k ← k - (x_N(k) - x_seen) / (dx_N/dk)          (Newton's method on x_N(k) = x_seen)

    Take x_N and dx_N/dk from your ``distance_and_slope``, once per iteration, starting from
    ``drag``; return the list of the ``iterations`` drags after each update.
    """
    ### BEGIN SOLUTION
    fitted = []
    for _ in range(iterations):
        x_N, slope = distance_and_slope(angle, speed, drag, dt, steps)
        drag = drag - (x_N - x_seen) / slope
        fitted.append(drag)
    return fitted
    ### END SOLUTION


def check_against_adlib(angle=60.0, speed=22.0, drag=0.02, dt=0.02, steps=100):
    """Your two derivatives next to adlib's reverse mode through the same loop (needs adlib)."""
    import adlib
    import adlib.numpy as anp

    def x_final(start, k):
        x, y, vx, vy = start[0], start[1], start[2], start[3]
        for _ in range(steps):
            v = anp.sqrt(vx * vx + vy * vy)
            x, y, vx, vy = x + dt * vx, y + dt * vy, vx - dt * k * v * vx, vy - dt * (g + k * v * vy)
        return x

    states = simulate(angle, speed, drag, dt, steps)
    by_adlib = adlib.grad(x_final, argnum=(0, 1))(states[0], np.array(drag))
    print("dx_N/dk:    forward by hand", distance_and_slope(angle, speed, drag, dt, steps)[1],
          "  reverse by hand", reverse_gradient(states, drag, dt)[1], "  adlib", by_adlib[1])
    print("dx_N/ds_0:  reverse by hand", reverse_gradient(states, drag, dt)[0], "  adlib", by_adlib[0])


if __name__ == "__main__":
    check_against_adlib()
    x_seen = simulate(40.0, 25.0, 0.03, 0.02, 100)[-1, 0]
    print("the drag that puts the ball at", x_seen, "m after 2 s:", fit_drag(40.0, 25.0, 0.02, 100, x_seen)[-1])
