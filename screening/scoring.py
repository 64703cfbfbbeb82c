"""Scoring a screening from its instrument's data: pure functions, no database."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from casework.models import TraffickingStatus
from screening.models import AnswerType, Instrument, InstrumentQuestion, InstrumentThreshold, ScoringRule

# How serious each status is; the confirmed ones are equally serious and differ in kind.
STATUS_RANK: dict[str, int] = {
    TraffickingStatus.NOT_SCREENED: 0,
    TraffickingStatus.SCREENED_NO_INDICATORS: 1,
    TraffickingStatus.AT_RISK: 2,
    TraffickingStatus.SUSPECTED: 3,
    TraffickingStatus.CONFIRMED_SEX: 4,
    TraffickingStatus.CONFIRMED_LABOR: 4,
    TraffickingStatus.CONFIRMED_BOTH: 4,
}

TEXT_ANSWER_MAX_LENGTH = 2_000


def is_higher(status: str, than: str) -> bool:
    return STATUS_RANK[status] > STATUS_RANK[than]


@dataclass(frozen=True)
class Scored:
    answers: dict[str, Any]
    score: int
    suggested_status: str


def _answer(question: InstrumentQuestion, value: object) -> tuple[Any, int, str]:
    """(cleaned answer, its points, what is wrong or "")."""
    if question.answer_type == AnswerType.YES_NO:
        if not isinstance(value, bool):
            return None, 0, _("Answer yes (true) or no (false).")
        return value, question.points_if_yes if value else 0, ""
    if question.answer_type == AnswerType.CHOICE:
        points = {str(choice["value"]): int(choice.get("points", 0)) for choice in question.choices}
        if not isinstance(value, str) or value not in points:
            return None, 0, _("Choose one of: %(choices)s.") % {"choices": ", ".join(points)}
        return value, points[value], ""
    if question.answer_type == AnswerType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
            return None, 0, _("Give a whole number, 0 or more.")
        return value, 0, ""
    if not isinstance(value, str) or len(value.strip()) > TEXT_ANSWER_MAX_LENGTH:
        return None, 0, _("Give text of at most %(limit)s characters.") % {"limit": TEXT_ANSWER_MAX_LENGTH}
    return value.strip(), 0, ""


def suggested_status(score: int, thresholds: Sequence[InstrumentThreshold]) -> str:
    reached = [threshold for threshold in thresholds if score >= threshold.min_score]
    if not reached:
        return TraffickingStatus.SCREENED_NO_INDICATORS
    return max(reached, key=lambda threshold: threshold.min_score).suggests


def score_answers(
    *,
    instrument: Instrument,
    questions: Sequence[InstrumentQuestion],
    thresholds: Sequence[InstrumentThreshold],
    answers: object,
) -> tuple[Scored | None, dict[str, list[str]]]:
    """The cleaned answers, score and suggested status, or None and the field errors (named
    `answers.<question key>`)."""
    if not isinstance(answers, Mapping):
        return None, {"answers": [_("Expected an object of answers by question key.")]}
    errors: dict[str, list[str]] = {}
    known = {question.key for question in questions}
    for key in sorted(set(map(str, answers)) - known):
        errors[f"answers.{key}"] = [_("This instrument has no such question.")]
    cleaned: dict[str, Any] = {}
    points: list[int] = []
    for question in questions:
        value = answers.get(question.key)
        if value is None or value == "":
            if question.required:
                errors[f"answers.{question.key}"] = [_("Answer this question.")]
            continue
        answer, earned, problem = _answer(question, value)
        if problem:
            errors[f"answers.{question.key}"] = [problem]
            continue
        cleaned[question.key] = answer
        points.append(earned)
    if errors:
        return None, errors
    if instrument.scoring_rule == ScoringRule.COUNT:
        score = sum(1 for earned in points if earned > 0)
    else:
        score = sum(points)
    return Scored(answers=cleaned, score=score, suggested_status=suggested_status(score, thresholds)), {}
