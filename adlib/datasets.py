"""Small seeded datasets made with numpy, the same in every mode of the course."""
from __future__ import annotations

import numbers

import numpy as np

from . import validate

__all__ = ["make_moons"]


def make_moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles in the plane: ``(X, y)``.

    ``X`` is a float array of shape (n, 2); ``y`` an int array of shape (n,)
    with labels -1 (upper moon) and +1 (lower moon), the convention of
    micrograd's demo and of a max-margin loss (scikit-learn's make_moons gives
    0/1: ``y01 = (y + 1) // 2``).  Points are shuffled; ``noise`` is the standard
    deviation of Gaussian noise added to each coordinate.  The same
    ``(n, noise, seed)`` always gives the same arrays.

    >>> X, y = make_moons(100, noise=0.1, seed=0)
    >>> X.shape, y.shape, int((y == -1).sum()), int((y == 1).sum())
    ((100, 2), (100,), 50, 50)
    >>> bool(np.all(make_moons(100, seed=0)[0] == X))
    True
    """
    n = validate.size(n, "make_moons", "n (the number of points)", minimum=2)
    noise = validate.finite_number(noise, "make_moons", "noise", nonnegative=True)
    if seed is not None and (isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer))
                             or seed < 0):
        raise TypeError(f"make_moons: seed must be an int >= 0 (or None for fresh randomness), "
                        f"got {validate.describe(seed)}")
    rng = np.random.default_rng(seed)
    n_out = int(n) // 2
    n_in = int(n) - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
        np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1),
    ])
    y = np.concatenate([-np.ones(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X = X + rng.normal(scale=float(noise), size=X.shape)
    order = rng.permutation(int(n))
    return X[order], y[order]
