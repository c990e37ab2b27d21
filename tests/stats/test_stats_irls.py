"""The lean NB fit used by the factor insights agrees with statsmodels' GLM."""

from __future__ import annotations

import numpy as np
import pytest

from twitchwise.stats._fit import fit_counts
from twitchwise.stats._irls import nb_fit


def test_coefficients_and_model_covariance_match_statsmodels() -> None:
    rng = np.random.default_rng(1)
    n = 300
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n), np.arange(n) / 50])
    mu = np.exp(1.0 + 0.2 * x[:, 1])
    y = rng.negative_binomial(3, 3 / (3 + mu)).astype(float)
    ours, theirs = nb_fit(y, x, 0.3), fit_counts(y, x, alpha=0.3)
    assert ours.converged and theirs.converged
    np.testing.assert_allclose(ours.params, theirs.params, atol=1e-5)
    np.testing.assert_allclose(np.diag(ours.cov_model), np.diag(theirs.cov_model), rtol=1e-4)
    # HAC: same lags and correction; the bread is the expected information here, the observed
    # one in statsmodels, so the two differ a little on a non-canonical link.
    np.testing.assert_allclose(np.diag(ours.cov), np.diag(theirs.cov), rtol=0.15)


@pytest.mark.parametrize(
    ("y", "x"),
    [
        (
            np.r_[np.zeros(20), np.full(20, 50.0)],
            np.c_[np.ones(40), np.r_[np.zeros(20), np.ones(20)]],
        ),
        (np.arange(40.0), np.c_[np.ones(40), np.ones(40)]),
        (np.zeros(40), np.c_[np.ones(40), np.arange(40.0)]),
    ],
)
def test_split_singular_and_empty_fits_are_not_trusted(y: np.ndarray, x: np.ndarray) -> None:
    fit = nb_fit(y, x, 0.5)
    assert not fit.converged and fit.problem
