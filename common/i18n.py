"""Whose language a text is in. Pages answer in the reader's language (the middleware); emails and
notifications are written in the recipient's, whoever caused them, so code that writes text for
someone else passes a `Message` and the writer renders it inside `in_language_of(recipient)`."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


class HasLanguage(Protocol):
    language: str


def language_of(person: HasLanguage) -> str:
    """The person's chosen language, else the deployment's default (an email has no browser)."""
    return person.language or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(person: HasLanguage) -> Iterator[None]:
    with translation.override(language_of(person)):
        yield


class Message:
    """Text to be read by someone else, later, in their language: a lazily translated template and
    its values, rendered by `str()` in whatever language is active then (see `in_language_of`).

        Message(gettext_lazy("Case %(number)s was closed."), number=case.number)
    """

    def __init__(self, template: str | Promise, /, **values: object) -> None:
        self.template = template
        self.values = values

    def __str__(self) -> str:
        text = str(self.template)
        if not self.values:
            return text
        return text % {name: str(value) for name, value in self.values.items()}

    def __repr__(self) -> str:
        return f"Message({self.template!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return str(self.template) == str(other.template) and self.values == other.values

    def __hash__(self) -> int:
        return hash(str(self.template))
