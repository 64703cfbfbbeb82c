"""Every word a template shows a person goes through the translation machinery.

A template's own text (element text and the attributes people read: title, alt, placeholder,
aria-label) must sit inside `{% translate %}` or `{% blocktranslate %}`. Variables, tags and
markup are not text. Plain-text email templates are text throughout."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
TEMPLATES = sorted(
    path
    for directory in TEMPLATE_DIRS
    if ".venv" not in directory.parts
    for path in directory.rglob("*")
    if path.suffix in {".html", ".txt"}
)
# Stands for whatever a tag or variable prints; never a letter.
SLOT = "\x00"
# Names that are the same in every language.
UNTRANSLATED_NAMES = {"Bridge", "PDF", "CSV", "XLSX"}
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
WORD = re.compile(r"[^\W\d_]{2,}")


def _text_outside_translation(path: Path) -> str:
    """The template's source with everything translated, tags and variables replaced by SLOT."""
    kept: list[str] = []
    skipping_until: str | None = None
    for token in Lexer(path.read_text()).tokenize():
        if skipping_until is not None:
            if token.token_type is TokenType.BLOCK and token.contents.split()[0] == skipping_until:
                skipping_until = None
            continue
        if token.token_type is TokenType.TEXT:
            kept.append(token.contents)
            continue
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in {"blocktranslate", "blocktrans"}:
                skipping_until = "end" + name
            elif name == "comment":
                skipping_until = "endcomment"
        kept.append(SLOT)
    return "".join(kept)


class _ReadableText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden_depth += 1
        self.pieces.extend(value or "" for name, value in attrs if name in READ_ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in {"submit", "button"}:
            self.pieces.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.pieces.append(data)


def untranslated_words(path: Path) -> list[str]:
    source = _text_outside_translation(path)
    if path.suffix == ".html":
        parser = _ReadableText()
        parser.feed(source)
        parser.close()
        source = " ".join(parser.pieces)
    return [word for word in WORD.findall(source) if word not in UNTRANSLATED_NAMES]


def test_every_template_is_checked() -> None:
    assert len(TEMPLATES) > 50
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_is_translatable(path: Path) -> None:
    words = untranslated_words(path)
    assert not words, f"{path.relative_to(ROOT)} shows text outside {{% translate %}}: {' '.join(words[:20])}"


def test_the_check_finds_text_outside_translation(tmp_path: Path) -> None:
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Cases" %}</h1><p>{{ case.number }}</p>'
        '<button title="Close the case">{% translate "Close" %}</button>'
        "{% blocktranslate %}Due {{ when }}{% endblocktranslate %}<p>Overdue</p>"
    )
    assert untranslated_words(template) == ["Close", "the", "case", "Overdue"]
