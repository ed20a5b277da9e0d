"""The PDF work of a redaction, with PyMuPDF: pure functions from bytes to bytes.

A redaction removes what lies under its area: text (the characters, not a box over them),
the pixels of images, vector drawings. After the areas are applied the document is scrubbed
of what could still carry text elsewhere (metadata, XMP, annotations, links, form fields,
embedded files, JavaScript, the outline, hidden text) and saved with garbage collection, so no
old object is left in the file. An image (PNG, JPEG) is converted to a one-page PDF first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pymupdf
from pymupdf import mupdf

from dsar.core.words import N_, Said

PDF = "application/pdf"
IMAGES = ("image/png", "image/jpeg")
REDACTABLE = (PDF, *IMAGES)
ZOOM = 1.5  # page images for staff: 108 dpi, enough to see what to mark
MAX_PIXELS = 2000  # ... but no side longer than this: a huge page must not fill the memory
# What apply_redactions removes under an area: the characters, the image pixels (blanked in
# the image itself, not covered), and line art the area touches (MuPDF's own constants,
# which `pymupdf` copies onto itself at import time, out of its type information's sight).
_REMOVE = {
    "text": mupdf.PDF_REDACT_TEXT_REMOVE,
    "images": mupdf.PDF_REDACT_IMAGE_PIXELS,
    "graphics": mupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
}


class RedactionFailed(ValueError):
    """The document cannot be opened or redacted, or a term survived (never silently)."""


@dataclass(frozen=True)
class Mark:
    """One redaction: an area on a page (0-based), or a term searched on every page."""

    page: int | None = None
    rect: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in PDF points
    term: str | None = None


@dataclass(frozen=True)
class PageSize:
    width: float  # in PDF points
    height: float

    @property
    def scale(self) -> float:
        """Pixels per point of the page's image: ZOOM, less for a very large page."""
        return min(ZOOM, MAX_PIXELS / max(self.width, self.height, 1))

    @property
    def pixels(self) -> tuple[int, int]:
        """The page image's width and height in pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)


def pages(doc: pymupdf.Document) -> list[pymupdf.Page]:
    """The document's pages in order."""
    return [doc[i] for i in range(doc.page_count)]


def open_document(data: bytes, content_type: str) -> pymupdf.Document:
    """The document as a PDF: a PDF as it is, a PNG or JPEG as a one-page PDF."""
    if content_type not in REDACTABLE:
        raise RedactionFailed(Said(N_("only a PDF, PNG or JPEG can be redacted")))
    try:
        if content_type == PDF:
            doc = pymupdf.open(stream=data, filetype="pdf")
        else:
            with pymupdf.open(stream=data, filetype=content_type.split("/")[1]) as image:
                converted = image.convert_to_pdf()
            doc = pymupdf.open(stream=converted, filetype="pdf")
    except (RuntimeError, ValueError):
        raise RedactionFailed(Said(N_("the document cannot be opened as a PDF"))) from None
    if doc.needs_pass:
        doc.close()
        raise RedactionFailed(
            Said(N_("the PDF is password-protected: ask for a copy without a password"))
        )
    return doc


def page_sizes(data: bytes, content_type: str) -> list[PageSize]:
    """Each page's width and height in PDF points (origin top left, as the areas use)."""
    with open_document(data, content_type) as doc:
        return [PageSize(round(p.rect.width, 1), round(p.rect.height, 1)) for p in pages(doc)]


def render_page(data: bytes, content_type: str, index: int) -> bytes:
    """One page (0-based) as a PNG at its PageSize.scale; IndexError when there is no such page."""
    with open_document(data, content_type) as doc:
        if not 0 <= index < doc.page_count:
            raise IndexError(index)
        page = doc[index]
        scale = PageSize(page.rect.width, page.rect.height).scale
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(scale, scale), annots=False)
        return bytes(pixmap.tobytes("png"))


def matches(doc: pymupdf.Document, mark: Mark) -> list[tuple[int, pymupdf.Rect]]:
    """The (page, area) pairs a mark covers: its own area, or every place its term is found."""
    if mark.term is not None:
        return [
            (page.number, rect)
            for page in pages(doc)
            for rect in page.search_for(mark.term)
            if page.number is not None
        ]
    if mark.page is None or mark.rect is None or not 0 <= mark.page < doc.page_count:
        return []
    area = pymupdf.Rect(*mark.rect) & doc[mark.page].rect
    return [] if area.is_empty else [(mark.page, area)]


def count_matches(data: bytes, content_type: str, mark: Mark) -> int:
    """How many areas the mark covers in the document: 0 for a term found nowhere."""
    with open_document(data, content_type) as doc:
        return len(matches(doc, mark))


def redact(data: bytes, content_type: str, marks: Sequence[Mark]) -> tuple[bytes, list[int]]:
    """The redacted PDF and, per mark, how many areas it covered. Raises RedactionFailed when
    a term can still be found afterwards."""
    with open_document(data, content_type) as doc:
        counts = []
        for mark in marks:
            found = matches(doc, mark)
            counts.append(len(found))
            for number, rect in found:
                doc[number].add_redact_annot(rect, fill=(0, 0, 0))
        for page in pages(doc):
            page.apply_redactions(**_REMOVE)
        _scrub(doc)
        out = doc.tobytes(garbage=4, deflate=True, clean=True)
    with pymupdf.open(stream=out, filetype="pdf") as check:
        text = " ".join(page.get_text() for page in pages(check)).casefold()
        for mark in marks:
            if mark.term is not None and mark.term.casefold() in text:
                raise RedactionFailed(
                    Said(N_("a search term is still in the redacted copy: nothing was stored"))
                )
    return bytes(out), counts


def _scrub(doc: pymupdf.Document) -> None:
    """Remove what could carry text outside the pages' content."""
    doc.scrub(
        attached_files=True,
        clean_pages=True,
        embedded_files=True,
        hidden_text=True,
        javascript=True,
        metadata=True,
        redactions=False,  # applied above, with our own options
        remove_links=True,
        reset_fields=True,
        reset_responses=True,
        thumbnails=True,
        xml_metadata=True,
    )
    for page in pages(doc):
        for widget in list(page.widgets()):
            page.delete_widget(widget)
        while (annot := page.first_annot) is not None:
            page.delete_annot(annot)
    doc.set_metadata({})
    doc.del_xml_metadata()
    doc.set_toc([])
