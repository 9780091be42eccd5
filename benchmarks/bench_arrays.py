"""Array reverse mode against hand-written numpy backprop and HIPS autograd (optional).

1. value_and_grad of a 784-256-256-10 relu MLP with softmax cross-entropy, batch 128,
   float64, with respect to all six weight arrays: time and peak memory (tracemalloc).
   Target: at most 1.3x the hand-written numpy backprop, memory no more than autograd's.
2. jvp of sin(x) * exp(-x * x) + tanh(x) over 10^6 values, judged against a jvp written by hand
   in numpy with every temporary reused (the practical floor): target at most 1.25x that floor,
   and no slower than HIPS autograd (issue 16's settled yardstick).  On this kind of CPU numpy's
   float64 sin and cos are scalar libm calls (~10 ns a value, while exp and tanh are vectorised),
   so the cos(x) any jvp needs costs ~0.75 of the primal alone: the primal is no floor.

    .venv/bin/python benchmarks/bench_arrays.py      # writes benchmarks/results_arrays.md
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # On a small shared machine, multi-threaded BLAS timings mostly measure scheduler contention
    # between BLAS threads and other processes; one BLAS thread measures the work.  Set before numpy loads.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402

SIZES = (784, 256, 256, 10)
BATCH = 128


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        params += [rng.normal(scale=np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out)]
    x = rng.normal(size=(BATCH, SIZES[0]))
    y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], BATCH)]
    return params, x, y


# -- the hand-written floor --------------------------------------------------
def numpy_value_and_grad(W1, b1, W2, b2, W3, b3, x, y):
    z1 = x @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2 + b2
    h2 = np.maximum(z2, 0.0)
    z3 = h2 @ W3 + b3
    m = z3.max(axis=1, keepdims=True)
    e = np.exp(z3 - m)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) + m[:, 0] - np.sum(z3 * y, axis=1))
    n = x.shape[0]
    dz3 = (e / s - y) / n
    dW3 = h2.T @ dz3
    db3 = dz3.sum(axis=0)
    dz2 = (dz3 @ W3.T) * (z2 > 0)
    dW2 = h1.T @ dz2
    db2 = dz2.sum(axis=0)
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    dW1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, (dW1, db1, dW2, db2, dW3, db3)


# -- adlib ---------------------------------------------------------------------
def adlib_loss(W1, b1, W2, b2, W3, b3, x, y):
    h1 = anp.relu(anp.dot(x, W1) + b1)
    h2 = anp.relu(anp.dot(h1, W2) + b2)
    z = anp.dot(h2, W3) + b3
    return anp.mean(anp.logsumexp(z, axis=1) - anp.sum(z * y, axis=1))


adlib_value_and_grad = adlib.value_and_grad(adlib_loss, argnum=(0, 1, 2, 3, 4, 5))


def autograd_value_and_grad():
    try:
        import autograd
        import autograd.numpy as agnp
    except ImportError:
        return None

    def logsumexp(z, axis):     # autograd.scipy.special needs scipy; this is the same computation
        m = agnp.max(z, axis=axis, keepdims=True)
        return agnp.log(agnp.sum(agnp.exp(z - m), axis=axis)) + m[:, 0]

    def loss(W1, b1, W2, b2, W3, b3, x, y):
        h1 = agnp.maximum(agnp.dot(x, W1) + b1, 0.0)
        h2 = agnp.maximum(agnp.dot(h1, W2) + b2, 0.0)
        z = agnp.dot(h2, W3) + b3
        return agnp.mean(logsumexp(z, axis=1) - agnp.sum(z * y, axis=1))
    return autograd.value_and_grad(loss, argnum=(0, 1, 2, 3, 4, 5))


CLOCK = time.process_time   # CPU time of this process: waiting for a core shared with others does not count


def best_time(fn, *args, repeat=30):
    """The fastest of ``repeat`` calls (the least disturbed by other processes)."""
    fn(*args)
    best = float("inf")
    for _ in range(repeat):
        t = CLOCK()
        fn(*args)
        best = min(best, CLOCK() - t)
    return best


def interleaved(fns, args, rounds=5, repeat=10):
    """Best time of each fn, measured in alternating rounds so drifts in machine load hit all alike."""
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            best[name] = min(best[name], best_time(fn, *args, repeat=repeat))
    return best


def steady_allocator() -> bool:
    """Ask glibc to keep freed memory for reuse instead of returning it to the kernel.

    Otherwise every large temporary is fresh memory, and its page faults (kernel time,
    a third of the run here) swamp the differences being measured.  Applies to every
    implementation in this process alike.  Returns False where it is not available.
    """
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return bool(libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)) and bool(libc.mallopt(M_TRIM_THRESHOLD, (1 << 31) - 1))
    except (OSError, AttributeError):
        return False


STEADY = False


def conditions() -> str:
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    alloc = "freed memory kept for reuse (mallopt)" if STEADY else "default allocator"
    return (f"Times are CPU seconds of this process (time.process_time), best of interleaved rounds; "
            f"OPENBLAS_NUM_THREADS={threads}; {alloc}.")


def peak_memory(fn, *args):
    """Peak bytes allocated during one call, above what existed before (tracemalloc sees numpy's buffers)."""
    fn(*args)
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak - base


def mlp_section():
    params, x, y = make_problem()
    args = (*params, x, y)
    ref_loss, ref_grads = numpy_value_and_grad(*args)
    loss, grads = adlib_value_and_grad(*args)
    assert np.isclose(loss, ref_loss) and all(np.allclose(a, b) for a, b in zip(grads, ref_grads))
    fns = {"numpy (hand-written backprop)": numpy_value_and_grad, "adlib": adlib_value_and_grad}
    ag = autograd_value_and_grad()
    if ag is not None:
        ag_loss, ag_grads = ag(*args)
        assert np.isclose(ag_loss, ref_loss) and all(np.allclose(a, b) for a, b in zip(ag_grads, ref_grads))
        fns["HIPS autograd"] = ag
    times = interleaved(fns, args)
    mems = {name: peak_memory(fn, *args) for name, fn in fns.items()}
    floor = times["numpy (hand-written backprop)"]
    lines = ["## Arrays: MLP value_and_grad",
             "",
             f"784-256-256-10 relu MLP, softmax cross-entropy, batch {BATCH}, float64, gradient with respect to "
             "all six weight arrays. Best of 5 interleaved rounds of 10 calls; peak memory by tracemalloc. "
             + conditions(),
             "Target: adlib at most 1.3x numpy; adlib's peak memory no more than autograd's.",
             "",
             "| implementation | time (ms) | vs numpy | peak memory (MB) |",
             "|---|---|---|---|"]
    for name in fns:
        lines.append(f"| {name} | {times[name] * 1e3:.2f} | {times[name] / floor:.2f}x | {mems[name] / 1e6:.2f} |")
    return "\n".join(lines) + "\n", times["adlib"] / floor, mems


# -- jvp -----------------------------------------------------------------------
def numpy_jvp_by_hand(x, v):
    """f(x) and f'(x) v for f = sin(x) exp(-x²) + tanh(x), every temporary reused in place.

    f'(x) v = cos(x) e v - 2 x v e sin(x) + (1 - tanh(x)²) v with e = exp(-x²): the
    fewest passes over memory we found, so no library can be much faster than this.
    """
    s, c, th = np.sin(x), np.cos(x), np.tanh(x)
    e = np.multiply(x, x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    value = s * e
    value += th
    c *= v                       # d sin = cos(x) v
    c *= e
    t = np.multiply(x, v)        # d exp(-x²) = -2 x v e
    t *= -2.0
    t *= e
    t *= s
    c += t
    th *= th                     # d tanh = (1 - tanh²) v
    np.subtract(1.0, th, out=th)
    th *= v
    c += th
    return value, c


def jvp_section(n=10 ** 6):
    rng = np.random.default_rng(1)
    x = rng.normal(size=n)
    v = rng.normal(size=n)

    def primal(x):
        return np.sin(x) * np.exp(-x * x) + np.tanh(x)

    def f(x):
        return anp.sin(x) * anp.exp(-x * x) + anp.tanh(x)

    def adlib_jvp(x, v):
        return adlib.jvp(f, (x,), (v,))

    value, tangent = adlib_jvp(x, v)
    expected = (np.cos(x) * np.exp(-x * x) - 2 * x * np.sin(x) * np.exp(-x * x) + 1 - np.tanh(x) ** 2) * v
    assert np.allclose(value, primal(x)) and np.allclose(tangent, expected)
    hand_value, hand_tangent = numpy_jvp_by_hand(x, v)
    assert np.allclose(hand_value, primal(x)) and np.allclose(hand_tangent, expected)
    fns = {"numpy primal": lambda x, v: primal(x),
           "numpy primal + cos(x) (what any jvp must compute)": lambda x, v: (primal(x), np.cos(x)),
           "numpy jvp written by hand, every temporary reused (practical floor)": numpy_jvp_by_hand,
           "adlib jvp": adlib_jvp}
    try:
        import autograd
        import autograd.numpy as agnp

        def g(x):
            return agnp.sin(x) * agnp.exp(-x * x) + agnp.tanh(x)
        from autograd.differential_operators import make_jvp
        fns["HIPS autograd jvp"] = lambda x, v: make_jvp(g)(x)(v)
    except ImportError:
        pass
    times = interleaved(fns, (x, v), rounds=3, repeat=5)
    primal_time = times["numpy primal"]
    floor = times["numpy jvp written by hand, every temporary reused (practical floor)"]
    lines = ["## Arrays: jvp of sin(x) exp(-x²) + tanh(x), 10^6 values",
             "",
             "Target: adlib's jvp at most 1.25x the numpy jvp written by hand (the practical floor), "
             "and no slower than HIPS autograd. " + conditions(),
             "",
             "| implementation | time (ms) | vs primal | vs the hand-written floor |",
             "|---|---|---|---|"]
    for name in fns:
        lines.append(f"| {name} | {times[name] * 1e3:.2f} | {times[name] / primal_time:.2f}x | "
                     f"{times[name] / floor:.2f}x |")
    autograd_ratio = times["adlib jvp"] / times["HIPS autograd jvp"] if "HIPS autograd jvp" in times else None
    return "\n".join(lines) + "\n", times["adlib jvp"] / floor, autograd_ratio


def run() -> str:
    global STEADY
    STEADY = steady_allocator()
    mlp, mlp_ratio, mems = mlp_section()
    jvp, jvp_ratio, autograd_ratio = jvp_section()
    mem_line = ""
    if "HIPS autograd" in mems:
        mem_line = (f"- peak memory adlib / autograd: {mems['adlib'] / mems['HIPS autograd']:.2f} "
                    f"(target <= 1)\n")
    summary = ("### Summary\n\n"
               f"- MLP value_and_grad, adlib / numpy: {mlp_ratio:.2f}x (target <= 1.3x)\n" + mem_line +
               f"- jvp, adlib / the hand-written numpy jvp: {jvp_ratio:.2f}x (target <= 1.25x)" +
               (f"; adlib / HIPS autograd: {autograd_ratio:.2f}x (target <= 1)\n" if autograd_ratio is not None
                else "; HIPS autograd not installed\n"))
    return mlp + "\n" + jvp + "\n" + summary


if __name__ == "__main__":
    text = run()
    (HERE / "results_arrays.md").write_text("# adlib array benchmarks\n\n" + text)
    print(text)
