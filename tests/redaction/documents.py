"""Real documents made in the test: PDFs with text (PyMuPDF writes them), and a PNG."""

from __future__ import annotations

import subprocess
import tempfile

import pymupdf

NEIGHBOUR = "Max Mustermann"  # another person's data, to be redacted
SUBJECT = "Zoe Schmidt"


def text_pdf(pages: int = 3, *, author: str = NEIGHBOUR) -> bytes:
    """A PDF of `pages` pages: each names the subject and NEIGHBOUR, and has a box line at y=300;
    its metadata names NEIGHBOUR too."""
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()  # A4-ish 595 x 842 points
        page.insert_text((72, 72), f"Page {number}: ticket of {SUBJECT}")
        page.insert_text((72, 100), f"Forwarded by {NEIGHBOUR}, phone 0301234")
        page.insert_text((72, 300), f"Box text {number} Geheimnis")
    doc.set_metadata({"author": author, "title": f"Notes by {author}", "subject": author})
    data = doc.tobytes()
    doc.close()
    return bytes(data)


def red_png(width: int = 200, height: int = 100) -> bytes:
    """A PNG all red: a redacted area shows as not red, in the image itself."""
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    pixmap.set_rect(pixmap.irect, (255, 0, 0))
    return bytes(pixmap.tobytes("png"))


def pdftotext(data: bytes) -> str:
    """What poppler's pdftotext reads from the PDF: another library's view of the text."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        done = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, check=True)
    return done.stdout.decode()


def expanded(data: bytes) -> bytes:
    """The PDF's bytes with every stream decompressed, to grep for what must be gone."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return bytes(doc.tobytes(expand=255))


def holds(data: bytes, text: str) -> bool:
    """Whether the PDF's decompressed bytes hold `text`, as it is or as a hex string (how
    PyMuPDF writes text: `[<4d6178...>]TJ`), in any case."""
    raw = expanded(data).lower()
    encoded = text.encode("latin-1")
    return encoded.lower() in raw or encoded.hex().encode() in raw


def page_texts(data: bytes) -> list[str]:
    """Each page's text as PyMuPDF reads it."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [doc[i].get_text() for i in range(doc.page_count)]
