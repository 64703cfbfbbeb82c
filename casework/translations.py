"""Texts Bridge stores in other languages beside the English original, as data: a deadline
template's name and description, and what Bridge itself wrote into a task. Shape:
{"es": {"name": "...", "description": "..."}}. A reader gets the active language's text, else the
original."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

Translations = Mapping[str, Mapping[str, str]]


def text_in_active_language(translations: Translations, field: str, original: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, language.split("-")[0]):
        text = translations.get(code, {}).get(field)
        if text:
            return text
    return original


def written_in_every_language(write: Callable[[], Mapping[str, object]]) -> dict[str, dict[str, str]]:
    """`write()`'s texts in each language other than the default, for a record whose original is
    stored in the default language: call it with each language active in turn."""
    written: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        with translation.override(code):
            written[code] = {field: str(text) for field, text in write().items()}
    return written


def written_by_bridge(write: Callable[[], Mapping[str, object]]) -> dict[str, Any]:
    """The fields of a record Bridge writes for everyone (a task's title and description): the
    originals in the default language, and `translations` with the others, for
    `Model.objects.create(**written_by_bridge(...))`."""
    with translation.override(settings.LANGUAGE_CODE):
        original = {field: str(text) for field, text in write().items()}
    return {**original, "translations": written_in_every_language(write)}


def without_fields(translations: Translations, fields: Iterable[str]) -> dict[str, dict[str, str]]:
    """The translations less `fields`: a person retyped them, and their words stand for every
    reader."""
    dropped = set(fields)
    return {
        code: {f: text for f, text in texts.items() if f not in dropped}
        for code, texts in translations.items()
    }


def translation_errors(translations: object, *, fields: frozenset[str]) -> list[str]:
    """What is wrong with a translations value an administrator typed, or nothing."""
    if not isinstance(translations, dict):
        return [_('Give an object like {"es": {"name": "…", "description": "…"}}.')]
    languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    errors = []
    for code, texts in translations.items():
        if code not in languages:
            errors.append(
                _("“%(code)s” is not one of Bridge's other languages (%(others)s).")
                % {"code": code, "others": ", ".join(sorted(languages))}
            )
        elif not isinstance(texts, dict) or not all(isinstance(text, str) for text in texts.values()):
            errors.append(_("The “%(code)s” texts must be an object of strings.") % {"code": code})
        elif set(texts) - fields:
            errors.append(
                _("The “%(code)s” texts may only have %(fields)s.")
                % {"code": code, "fields": ", ".join(sorted(fields))}
            )
    return errors
