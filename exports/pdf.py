"""HTML to PDF with WeasyPrint, fetching nothing from outside the document.

A summary carries text people typed (notes, pseudonyms, timeline lines). The template escapes it,
but should a URL ever reach the rendered HTML (an `<img>` in a note that escaping missed, a CSS
`url()`), WeasyPrint would fetch it from the server: a request to an internal address on behalf
of whoever typed it (SSRF). `InlineOnlyFetcher` answers `data:` URIs, which carry their content
inline, and refuses every other URL; the summary's styles are inline and its fonts come from the
system, so it needs nothing else."""

from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ALLOWED_SCHEMES = ("data:",)


class InlineOnlyFetcher(URLFetcher):
    """Answers `data:` URIs only; any other URL is refused (WeasyPrint leaves the resource out)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.lower().startswith(ALLOWED_SCHEMES):
            raise ValueError(f"A case summary fetches nothing from outside itself: {url[:80]}")
        return super().fetch(url, headers)


def pdf_from_html(html: str) -> bytes:
    """The PDF of a self-contained HTML document."""
    pdf = HTML(string=html, url_fetcher=InlineOnlyFetcher()).write_pdf()
    assert pdf is not None, "write_pdf without a target returns the document"
    return pdf
