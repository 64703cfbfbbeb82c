import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """Every page's text, joined, as a reader of the printed summary would read it."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
