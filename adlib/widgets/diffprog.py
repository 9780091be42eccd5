"""Aim a projectile by gradient descent: a simulation loop differentiated with adlib.

The plain functions here do the work and are unit-tested; :func:`make_projectile_widget`
is a thin layer of sliders and a button over them for notebook 10.

The program: a point mass launched from the origin at ``angle`` degrees and ``speed``
m/s, slowed by quadratic air drag, stepped with explicit Euler steps of ``dt`` seconds
until it falls below the ground::

    a = -g e_y - k |v| v          (k: the drag coefficient in 1/m)
    x <- x + dt v,   v <- v + dt a

The landing point is interpolated linearly between the last step above the ground and
the first below it, so it moves smoothly when the launch moves (without it, it would
jump by a whole step whenever the number of steps changes).  Every operation is an
adlib.numpy function, so ``adlib.grad`` differentiates the whole loop.  The functions
also take numpy arrays of launches (broadcast), which is how the loss landscape is drawn.
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside

__all__ = ["GRAVITY", "DRAG", "DT", "ANGLE_RANGE", "SPEED_RANGE", "LEARNING_RATE",
           "flight", "landing", "miss_loss", "loss_and_gradient", "gradient_step", "aim",
           "miss_grid", "plot_projectile", "make_projectile_widget"]

GRAVITY = 9.81          # m/s^2
DRAG = 0.02             # 1/m: about a tennis ball (rho C_d A / 2m)
DT = 0.02               # s, one Euler step
MAX_TIME = 60.0         # s of flight: far more than any launch the sliders allow
ANGLE_RANGE = (5.0, 85.0)    # degrees: what the slider offers and gradient steps stay within
SPEED_RANGE = (5.0, 40.0)    # m/s
LEARNING_RATE = 0.2     # for the loss 1/2 miss^2 in m^2, with angle in degrees and speed in m/s


def _check_launch(angle, speed, drag, dt):
    from adlib.traced import Traced, primal
    if isinstance(drag, Traced) or isinstance(dt, Traced):
        raise TypeError("flight: the drag coefficient and the time step are held fixed here, so they cannot be "
                        "differentiated; to differentiate with respect to the drag, write the loop with the drag "
                        "as an argument (notebook 10's throw(angle, speed, drag))")
    a, s = np.asarray(primal(angle), float), np.asarray(primal(speed), float)
    if not (np.all(np.isfinite(a)) and np.all((a > 0) & (a < 90))):
        raise ValueError(f"flight: the launch angle must be between 0 and 90 degrees (exclusive), got {a}")
    if not (np.all(np.isfinite(s)) and np.all(s > 0)):
        raise ValueError(f"flight: the launch speed must be a positive number of m/s, got {s}")
    if not (np.isfinite(drag) and drag >= 0):
        raise ValueError(f"flight: the drag coefficient must be a number >= 0 (in 1/m), got {drag!r}")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"flight: the time step dt must be a positive number of seconds, got {dt!r}")


def flight(angle, speed, drag=DRAG, dt=DT):
    """Simulate the launch; return ``(x_land, path)``.

    ``x_land``: where it lands (m), interpolated between the last two steps.
    ``path``: the list of positions ``(x, y)`` after each step, from ``(0, 0)``.
    ``angle`` (degrees) and ``speed`` (m/s) may be numbers, arrays (broadcast
    together) or traced arrays; ``drag`` and ``dt`` are held fixed.
    """
    import adlib.numpy as anp
    _check_launch(angle, speed, drag, dt)
    theta = angle * (np.pi / 180.0)
    vx, vy = speed * anp.cos(theta), speed * anp.sin(theta)
    x = y = 0.0 * vx
    landed = np.zeros(np.shape(x), dtype=bool)
    x_land = 0.0 * vx
    path = [(x, y)]
    max_steps = int(np.ceil(MAX_TIME / dt))
    for _ in range(max_steps):
        v = anp.sqrt(vx * vx + vy * vy)
        x_new, y_new = x + dt * vx, y + dt * vy
        vx, vy = vx - dt * drag * v * vx, vy - dt * (GRAVITY + drag * v * vy)
        crossing = (y_new < 0) & ~landed            # a comparison reads the value: plain booleans
        if np.any(crossing):
            # Guard the denominator where nothing crosses: a NaN in the unchosen branch of
            # `where` would still poison the gradient (notebook 09's where trap).
            fraction = y / anp.where(crossing, y - y_new, 1.0)
            x_land = anp.where(crossing, x + fraction * (x_new - x), x_land)
            landed = landed | crossing
        x, y = x_new, y_new
        path.append((x, y))
        if np.all(landed):
            return x_land, path
    raise ValueError(f"flight: the projectile had not landed after {MAX_TIME:g} s ({max_steps} steps of {dt} s)")


def landing(angle, speed, drag=DRAG, dt=DT):
    """Where the projectile lands, in m (see :func:`flight`)."""
    return flight(angle, speed, drag, dt)[0]


def miss_loss(angle, speed, target, drag=DRAG, dt=DT):
    """L = 1/2 (x_land - target)^2, in m^2."""
    return 0.5 * (landing(angle, speed, drag, dt) - target) ** 2


def loss_and_gradient(angle, speed, target, drag=DRAG, dt=DT):
    """``(L, dL/dangle, dL/dspeed)`` at one launch, by reverse mode through the whole loop."""
    import adlib
    value_and_grad = adlib.value_and_grad(lambda a, s: miss_loss(a, s, target, drag, dt), argnum=(0, 1))
    value, (g_angle, g_speed) = value_and_grad(np.array(float(angle)), np.array(float(speed)))
    return float(value), float(g_angle), float(g_speed)


def gradient_step(angle, speed, target, drag=DRAG, lr=LEARNING_RATE, dt=DT):
    """One gradient-descent step on (angle, speed), kept inside ANGLE_RANGE and SPEED_RANGE.

    Returns ``(new_angle, new_speed, loss, g_angle, g_speed)``, the loss and gradient
    being those at the old point.
    """
    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr >= 0):
        raise ValueError(f"gradient_step: the learning rate must be a finite number >= 0, got {lr!r}")
    loss, g_angle, g_speed = loss_and_gradient(angle, speed, target, drag, dt)
    new_angle = float(np.clip(angle - lr * g_angle, *ANGLE_RANGE))
    new_speed = float(np.clip(speed - lr * g_speed, *SPEED_RANGE))
    return new_angle, new_speed, loss, g_angle, g_speed


def aim(angle, speed, target, drag=DRAG, lr=LEARNING_RATE, steps=20, dt=DT):
    """Gradient descent from (angle, speed): returns ``(path, losses)``.

    ``path`` has shape ``(steps + 1, 2)`` (angle, speed at each iterate) and ``losses``
    shape ``(steps + 1,)``.
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"aim: steps must be a whole number >= 0, got {steps!r}")
    path, losses = [(float(angle), float(speed))], []
    for _ in range(int(steps)):
        angle, speed, loss, _, _ = gradient_step(angle, speed, target, drag, lr, dt)
        path.append((angle, speed))
        losses.append(loss)
    losses.append(float(miss_loss(angle, speed, target, drag, dt)))
    return np.array(path), np.array(losses)


def miss_grid(target, drag=DRAG, n=41, dt=DT):
    """``(angles, speeds, miss)``: x_land - target on an n x n grid over the sliders' ranges.

    ``miss[i, j]`` is the miss at ``angles[i]``, ``speeds[j]``; all n * n launches are
    simulated at once, as arrays.  The loss is ``miss ** 2 / 2``.
    """
    angles = np.linspace(*ANGLE_RANGE, n)
    speeds = np.linspace(*SPEED_RANGE, n)
    return angles, speeds, landing(angles[:, None], speeds[None, :], drag, dt) - target


def plot_projectile(angle, speed, target, drag=DRAG, descent=None, grid=None, gradient=None, axes=None):
    """Left: the trajectory and the target.  Right: |miss| over (angle, speed), the launch,
    the downhill direction -grad L and the descent so far (``descent``: an array of (angle, speed)).

    ``grid`` (from :func:`miss_grid`) and ``gradient`` (dL/dangle, dL/dspeed) are computed
    when not given."""
    import matplotlib.pyplot as plt
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.8), dpi=80)
    ax_fly, ax_map = axes
    x_land, path = flight(angle, speed, drag)
    xy = np.array([(float(px), float(py)) for px, py in path])
    g_angle, g_speed = gradient if gradient is not None else loss_and_gradient(angle, speed, target, drag)[1:]
    ax_fly.plot(xy[:, 0], np.maximum(xy[:, 1], 0.0), color="C0", label=f"flight, drag k = {drag:g}/m")
    ax_fly.plot([float(x_land)], [0.0], "o", color="C0", label=f"lands at {float(x_land):.2f} m")
    ax_fly.plot([target], [0.0], "v", ms=11, color="C3", label=f"target at {target:g} m")
    ax_fly.set_xlim(0, max(60.0, float(x_land) + 2, target + 2))
    ax_fly.set_ylim(0, max(10.0, 1.1 * xy[:, 1].max()))
    ax_fly.set(xlabel="x (m)", ylabel="height y (m)",
               title=f"angle {angle:.1f} deg, speed {speed:.1f} m/s: miss {float(x_land) - target:+.2f} m")
    legend_outside(ax_fly, "below", fontsize=7)

    angles, speeds, miss = grid if grid is not None else miss_grid(target, drag)
    cs = ax_map.contourf(speeds, angles, np.abs(miss), levels=np.linspace(0, 40, 11), extend="max", cmap="Greys")
    if miss.min() < 0 < miss.max():
        ax_map.contour(speeds, angles, miss, levels=[0.0], colors="C2", linewidths=2)
        ax_map.plot([], [], color="C2", lw=2, label="hits the target")
    if descent is not None and len(descent) > 1:
        d = np.asarray(descent)
        ax_map.plot(d[:, 1], d[:, 0], ".-", color="C1", ms=5, label=f"{len(d) - 1} gradient step{'s' if len(d) > 2 else ''}")
    ax_map.plot([speed], [angle], "o", color="C0", label="this launch")
    norm = np.hypot(g_angle, g_speed)
    if norm > 0:
        span = 0.12 * (SPEED_RANGE[1] - SPEED_RANGE[0])
        ax_map.annotate("", xy=(speed - span * g_speed / norm, angle - span * g_angle / norm), xytext=(speed, angle),
                        arrowprops=dict(arrowstyle="->", color="C3", lw=2))
        ax_map.plot([], [], color="C3", lw=2, label="-grad L (downhill)")
    plt.colorbar(cs, ax=ax_map, label="|miss| (m)")
    ax_map.set(xlabel="speed (m/s)", ylabel="angle (deg)", title="the miss over all launches")
    legend_outside(ax_map, "below", fontsize=7)
    return axes


def _readout(x_land, target, loss, g_angle, g_speed):
    return (f"lands at {x_land:.4f} m, miss = {x_land - target:+.4f} m, loss L = {loss:.6g} m&sup2;"
            f"<br>dL/dangle = {g_angle:.6g} m&sup2;/deg, dL/dspeed = {g_speed:.6g} m&sup2;/(m/s)")


def make_projectile_widget(angle=60.0, speed=22.0, target=30.0, drag=DRAG, lr=LEARNING_RATE):
    """Sliders for angle, speed, target and drag, a 'gradient step' button and a reset.

    Moving a slider by hand starts a new descent; each press of the button moves the
    angle and speed sliders one gradient step and extends the descent drawn on the map.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from ._show import show_figure, tagged

    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr > 0):
        # Checked here: inside the button's callback an error would only reach the log.
        raise ValueError(f"make_projectile_widget: the learning rate must be a finite number > 0, got {lr!r}")

    def slider(name, value, low, high, step, unit):
        return tagged(widgets.FloatSlider(value=value, min=low, max=high, step=step, description=f"{name} ({unit})",
                                          continuous_update=False, readout_format=".2f",
                                          style={"description_width": "90px"}), f"adlib-slider-{name}")

    a_slider = slider("angle", angle, *ANGLE_RANGE, 0.01, "deg")
    s_slider = slider("speed", speed, *SPEED_RANGE, 0.01, "m/s")
    t_slider = slider("target", target, 5.0, 50.0, 0.5, "m")
    k_slider = slider("drag", drag, 0.0, 0.05, 0.005, "1/m")
    k_slider.readout_format = ".3f"
    step_button = tagged(widgets.Button(description="take a gradient step", icon="arrow-down",
                                        layout=widgets.Layout(width="auto")), "adlib-step-gradient")
    reset_button = tagged(widgets.Button(description="forget the descent", layout=widgets.Layout(width="auto")),
                          "adlib-step-reset")
    readout = tagged(widgets.HTML(), "adlib-projectile-readout")
    out = tagged(widgets.Output(), "adlib-projectile-plot")
    state = {"descent": [(angle, speed)], "stepping": False, "grid": None, "grid_key": None}

    def redraw(*_):
        key = (float(t_slider.value), float(k_slider.value))
        if state["grid_key"] != key:
            state["grid"], state["grid_key"] = miss_grid(*key), key
        a, s = float(a_slider.value), float(s_slider.value)
        loss, g_angle, g_speed = loss_and_gradient(a, s, *key)
        readout.value = _readout(float(landing(a, s, key[1])), key[0], loss, g_angle, g_speed)
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), dpi=80)
        plot_projectile(a, s, key[0], key[1], descent=state["descent"], grid=state["grid"],
                        gradient=(g_angle, g_speed), axes=axes)
        fig.tight_layout()
        show_figure(out, fig)

    def moved(change):
        if state["stepping"]:                       # the button moves both sliders, then redraws once
            return
        state["descent"] = [(float(a_slider.value), float(s_slider.value))]   # by hand: a new start
        redraw()

    def step(_):
        a, s, *_ = gradient_step(float(a_slider.value), float(s_slider.value), float(t_slider.value),
                                 float(k_slider.value), lr)
        a, s = round(a, 2), round(s, 2)             # the sliders' resolution, so their readouts are exact
        state["stepping"] = True
        try:
            with box.hold_sync():
                a_slider.value, s_slider.value = a, s
        finally:
            state["stepping"] = False
        state["descent"].append((float(a_slider.value), float(s_slider.value)))
        redraw()

    def reset(_):
        state["descent"] = [(float(a_slider.value), float(s_slider.value))]
        redraw()

    for s in (a_slider, s_slider):
        s.observe(moved, names="value")
    for s in (t_slider, k_slider):
        s.observe(lambda change: reset(None), names="value")
    step_button.on_click(step)
    reset_button.on_click(reset)
    box = tagged(widgets.VBox([widgets.HBox([widgets.VBox([a_slider, s_slider]), widgets.VBox([t_slider, k_slider])]),
                               widgets.HBox([step_button, reset_button]), readout, out]), "adlib-projectile")
    box.descent = lambda: np.array(state["descent"])     # for tests and curious students
    redraw()
    return box
