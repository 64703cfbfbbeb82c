"""The PDF renderer fetches nothing from outside the document (no request on behalf of text
someone typed: SSRF)."""

import base64

import pytest

from exports.pdf import InlineOnlyFetcher, pdf_from_html
from tests.exports.conftest import pdf_text

PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_every_url_but_inline_data(url):
    with pytest.raises(ValueError, match="fetches nothing"):
        InlineOnlyFetcher().fetch(url)


def test_the_fetcher_answers_a_data_uri():
    response = InlineOnlyFetcher().fetch(f"data:image/png;base64,{PIXEL}")

    assert response.read().startswith(b"\x89PNG")


def test_a_document_pointing_outside_renders_without_what_it_points_at(monkeypatch):
    asked = []
    refuse = InlineOnlyFetcher.fetch

    def watching(self, url, headers=None):
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(InlineOnlyFetcher, "fetch", watching)
    html = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
        '<body><p>Kept</p><img src="http://127.0.0.1:9/x.png"></body></html>'
    )

    text = pdf_text(pdf_from_html(html))

    assert "Kept" in text
    assert asked == ["http://127.0.0.1:9/evil.css", "http://127.0.0.1:9/x.png"]
