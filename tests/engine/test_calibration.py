"""ECE and temperature scaling on synthetic logits whose true calibration is known."""

from __future__ import annotations

import numpy as np
import pytest

from engine.calibration import (
    apply_temperature,
    calibrate,
    expected_calibration_error,
    fit_temperature,
)
from engine.errors import ConfigError


def _overconfident(n: int, true_t: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from softmax(z / true_t), then the logits z given as is: a model whose
    logits are ``true_t`` times too sharp."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3.0, size=(n, 3))
    p = apply_temperature(z, true_t)
    y = np.array([rng.choice(3, p=row) for row in p])
    return z, y


def test_ece_of_perfect_and_wrong_predictions() -> None:
    assert expected_calibration_error(np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1]) == 0.0
    assert expected_calibration_error(np.array([[1.0, 0.0], [0.0, 1.0]]), [1, 0]) == 1.0
    # 80% confident and right 3 times out of 4: a gap of 0.05
    probs = np.array([[0.8, 0.2]] * 4)
    assert expected_calibration_error(probs, [0, 0, 0, 1]) == pytest.approx(0.05)


def test_fit_temperature_recovers_the_true_temperature() -> None:
    z, y = _overconfident(4000, 2.5)
    assert fit_temperature(z, y) == pytest.approx(2.5, rel=0.1)


def test_calibrate_lowers_ece_on_the_held_out_half() -> None:
    z, y = _overconfident(2000, 3.0, seed=1)
    out = calibrate(z, y, seed=0)
    assert out["temperature"] > 2.0
    assert out["ece"] > 0.1
    assert out["ece_after"] < out["ece"] / 2
    assert out["rows_fit"] + out["rows_scored"] == 2000
    assert "note" not in out
    assert calibrate(z, y, seed=0) == out  # seeded


def test_apply_temperature_keeps_the_labels() -> None:
    z, _ = _overconfident(50, 2.0)
    p = apply_temperature(z, 4.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p.argmax(axis=1) == z.argmax(axis=1)).all()
    with pytest.raises(ConfigError, match="positive"):
        apply_temperature(z, 0.0)


def test_tiny_validation_set_keeps_temperature_one_and_says_so() -> None:
    out = calibrate(np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]]), [0, 1, 1])
    assert out["temperature"] == 1.0
    assert "3 validation rows" in out["note"]
    assert out["ece"] == out["ece_after"]


def test_mismatched_shapes_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="do not match"):
        calibrate(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ConfigError, match="outside"):
        expected_calibration_error(np.full((2, 2), 0.5), [0, 5])
