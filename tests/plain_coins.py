"""Notebook 11's coin program in plain Python floats: the oracle the estimators-widget tests
(unit and browser) compare the widget against."""
import numpy as np

SEED = 2        # the coins' own generator, as the notebook says


def plain_coins(p, n, h, seed=SEED):
    """The mean payoff (heads u_i < p pays 3, tails 1) of the n coins drawn once, and its three slopes:
    autodiff (0: the staircase is flat at p), the central difference with step h, and the score function
    average f(b) (b/p - (1 - b)/(1 - p)); ``flips`` counts the coins that change side between p - h and p + h."""
    u = [float(v) for v in np.random.default_rng(seed).random(n)]
    payoff = lambda q: sum(3.0 if ui < q else 1.0 for ui in u) / n   # noqa: E731
    score = sum((3.0 if ui < p else 1.0) * (1 / p if ui < p else -1 / (1 - p)) for ui in u) / n
    return {"value": payoff(p), "autodiff": 0.0, "difference": (payoff(p + h) - payoff(p - h)) / (2 * h),
            "score": score, "flips": sum(p - h <= ui < p + h for ui in u)}
