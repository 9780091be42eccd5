"""Probes for exercise 6 (a two-layer MLP)."""


def _with_forward(m, cache, fn, *args):
    """fn(*args) while the student's forward answers with the given values (computed by the grader),
    so that a slip in forward costs only forward's own test, not every test that calls it."""
    if cache is None:
        return fn(*args)
    z, A1 = cache
    original = m.forward
    m.forward = lambda params, X: (z.copy(), A1.copy())
    try:
        return fn(*args)
    finally:
        m.forward = original


def forward(m, params, X):
    return list(m.forward(params, X))


def loss(m, params, X, y, cache=None):
    return float(_with_forward(m, cache, m.loss, params, X, y))


def gradients(m, params, X, y, cache=None):
    return dict(_with_forward(m, cache, m.gradients, params, X, y))


def train(m, X, y):
    """(the trained params, the params init_params() starts from)."""
    trained = dict(m.train(X, y))
    try:
        initial = dict(m.init_params())
    except Exception:  # noqa: BLE001 - no init_params: nothing to compare with
        initial = None
    return trained, initial
