"""The shared arithmetic: mean, median, p90 by nearest rank, and rates that say n/a."""

from __future__ import annotations

from bot.metrics.numbers import EMPTY, hours_stats, rate, rate_figure, stats


def test_no_values_have_no_statistics() -> None:
    assert stats([]) == EMPTY
    assert EMPTY.mean is None and EMPTY.median is None and EMPTY.p90 is None


def test_an_odd_count_has_its_middle_value_as_median() -> None:
    result = stats([5.0, 1.0, 3.0])
    assert (result.count, result.mean, result.median, result.p90) == (3, 3.0, 3.0, 5.0)


def test_an_even_count_has_the_mean_of_the_two_middle_values_as_median() -> None:
    assert stats([1.0, 2.0, 3.0, 10.0]).median == 2.5


def test_p90_is_the_nearest_rank() -> None:
    ten = [float(v) for v in range(1, 11)]
    assert stats(ten).p90 == 9.0  # ceil(0.9 * 10) = 9th smallest
    assert stats([*ten, 11.0]).p90 == 10.0  # ceil(9.9) = 10th
    assert stats([7.0]).p90 == 7.0


def test_durations_in_seconds_become_hours() -> None:
    assert hours_stats([3600.0, 7200.0]).mean == 1.5


def test_a_rate_over_nothing_is_not_a_number_of_percent() -> None:
    assert rate(0, 0) is None
    assert rate(1, 4) == 0.25
    figure = rate_figure("rework", "efficiency", 0, 0)
    assert (figure.value, figure.numerator, figure.denominator) == (None, 0, 0)
