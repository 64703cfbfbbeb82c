"""Scoring is the instrument's data: its rule, points and thresholds."""

from screening.models import Instrument, InstrumentQuestion, InstrumentThreshold
from screening.scoring import score_answers


def _instrument(rule):
    instrument = Instrument(key="tool", name="Tool", scoring_rule=rule)
    questions = [
        InstrumentQuestion(key="a", position=1, text="A?", answer_type="yes_no", points_if_yes=3),
        InstrumentQuestion(
            key="b",
            position=2,
            text="B?",
            answer_type="choice",
            choices=[{"value": "low", "points": 0}, {"value": "high", "points": 2}],
        ),
        InstrumentQuestion(key="c", position=3, text="How many?", answer_type="number"),
        InstrumentQuestion(key="d", position=4, text="Say more", answer_type="text", required=False),
    ]
    thresholds = [
        InstrumentThreshold(min_score=2, suggests="at_risk"),
        InstrumentThreshold(min_score=4, suggests="suspected"),
    ]
    return instrument, questions, thresholds


def _score(rule, answers):
    instrument, questions, thresholds = _instrument(rule)
    return score_answers(instrument=instrument, questions=questions, thresholds=thresholds, answers=answers)


def test_the_sum_rule_adds_points_and_the_highest_threshold_reached_suggests():
    scored, errors = _score("sum", {"a": True, "b": "high", "c": 40, "d": " words "})

    assert errors == {}
    assert (scored.score, scored.suggested_status) == (5, "suspected")
    assert scored.answers == {"a": True, "b": "high", "c": 40, "d": "words"}


def test_the_count_rule_counts_answers_that_score():
    scored, _ = _score("count", {"a": True, "b": "high", "c": 40})

    assert (scored.score, scored.suggested_status) == (2, "at_risk")


def test_a_score_below_every_threshold_suggests_no_indicators():
    scored, _ = _score("sum", {"a": False, "b": "low", "c": 0})

    assert (scored.score, scored.suggested_status) == (0, "screened_no_indicators")


def test_numbers_must_be_whole_and_not_negative():
    _, errors = _score("sum", {"a": False, "b": "low", "c": -1})

    assert errors == {"answers.c": ["Give a whole number, 0 or more."]}
