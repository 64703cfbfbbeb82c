"""Whose language a text is in. Pages answer in the reader's language (the middleware); emails and
notifications are written in the recipient's, whoever caused them, so code that writes text for
someone else renders it inside `in_language_of(recipient)`."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.utils import translation


class HasLanguage(Protocol):
    language: str


def language_of(person: HasLanguage) -> str:
    """The person's chosen language, else the deployment's default (an email has no browser)."""
    return person.language or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(person: HasLanguage) -> Iterator[None]:
    with translation.override(language_of(person)):
        yield
