"""The PDF work: text under an area or a term is gone (pdftotext, PyMuPDF, the raw bytes),
image pixels are blanked in the image itself, and metadata is scrubbed."""

from __future__ import annotations

import pymupdf
import pytest

from dsar.redaction.pdf import (
    MAX_PIXELS,
    Mark,
    RedactionFailed,
    count_matches,
    page_sizes,
    redact,
    render_page,
)
from tests.redaction.documents import (
    NEIGHBOUR,
    SUBJECT,
    holds,
    page_texts,
    pdftotext,
    red_png,
    text_pdf,
)

PDF = "application/pdf"


def test_the_test_document_holds_what_is_to_be_removed() -> None:
    """Without redaction every check below would find the text: the checks can fail."""
    data = text_pdf()
    assert NEIGHBOUR in pdftotext(data)
    assert holds(data, NEIGHBOUR) and holds(data, "Mustermann")
    assert holds(data, "Box text 2")


def test_a_term_is_removed_from_every_page_and_the_metadata() -> None:
    redacted, counts = redact(text_pdf(), PDF, [Mark(term=NEIGHBOUR)])
    assert counts == [3]
    assert NEIGHBOUR not in pdftotext(redacted)
    assert all(NEIGHBOUR not in text for text in page_texts(redacted))
    assert not holds(redacted, "Mustermann")
    assert SUBJECT in pdftotext(redacted)  # the subject's own data stays
    with pymupdf.open(stream=redacted, filetype="pdf") as doc:
        assert not any(doc.metadata[k] for k in ("author", "title", "subject", "producer"))
        assert doc.get_xml_metadata() == ""


def test_a_term_is_found_regardless_of_case() -> None:
    assert count_matches(text_pdf(), PDF, Mark(term="max mustermann")) == 3


def test_an_area_on_page_two_of_three_removes_only_there() -> None:
    redacted, counts = redact(text_pdf(), PDF, [Mark(page=1, rect=(60, 280, 400, 310))])
    assert counts == [1]
    first, second, third = page_texts(redacted)
    assert "Box text 2" not in second and "Geheimnis" not in second
    assert "Box text 1 Geheimnis" in first and "Box text 3 Geheimnis" in third
    assert "Box text 2" not in pdftotext(redacted)
    assert not holds(redacted, "Box text 2") and holds(redacted, "Box text 3")
    assert SUBJECT in second  # outside the area


def test_an_image_area_is_blanked_in_the_pixels_not_covered() -> None:
    redacted, counts = redact(red_png(), "image/png", [Mark(page=0, rect=(50, 25, 150, 75))])
    assert counts == [1]
    with pymupdf.open(stream=redacted, filetype="pdf") as doc:
        [image] = doc[0].get_images()
        pixmap = pymupdf.Pixmap(doc, image[0])  # the image object itself, not the page view
    scale = pixmap.width / 200
    inside = pixmap.pixel(int(100 * scale), int(50 * scale))
    outside = pixmap.pixel(int(10 * scale), int(10 * scale))
    assert outside[:3] == (255, 0, 0)
    assert inside[:3] != (255, 0, 0)


def test_a_term_in_no_text_matches_nothing() -> None:
    assert count_matches(text_pdf(), PDF, Mark(term="Erika Musterfrau")) == 0
    assert count_matches(red_png(), "image/png", Mark(term="anything")) == 0


def test_pages_are_rendered_and_measured() -> None:
    data = text_pdf(2)
    assert [(s.width, s.height) for s in page_sizes(data, PDF)] == [(595.0, 842.0)] * 2
    assert render_page(data, PDF, 1).startswith(b"\x89PNG")
    with pytest.raises(IndexError):
        render_page(data, PDF, 2)


def test_a_huge_page_is_rendered_no_larger_than_max_pixels() -> None:
    doc = pymupdf.open()
    doc.new_page(width=14400, height=7200)  # the largest page PDF allows: 200 x 100 inches
    png = render_page(bytes(doc.tobytes()), PDF, 0)
    image = pymupdf.Pixmap(png)
    assert (image.width, image.height) == (MAX_PIXELS, MAX_PIXELS // 2)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"%PDF-1.4 broken", PDF), (b"text", "text/csv")],
)
def test_what_cannot_be_opened_is_refused(data: bytes, content_type: str) -> None:
    with pytest.raises(RedactionFailed):
        redact(data, content_type, [])


def test_links_annotations_and_attachments_are_dropped() -> None:
    doc = pymupdf.open(stream=text_pdf(1), filetype="pdf")
    page = doc[0]
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 60, 200, 80),
                      "uri": "https://example.org/max-mustermann"})  # fmt: skip
    page.add_text_annot((300, 300), f"Note about {NEIGHBOUR}")
    doc.embfile_add("neighbour.txt", f"{NEIGHBOUR} lives next door".encode())
    data = bytes(doc.tobytes())
    redacted, _counts = redact(data, PDF, [Mark(term=NEIGHBOUR)])
    assert holds(data, "max-mustermann") and holds(data, "lives next door")
    assert not holds(redacted, "mustermann") and not holds(redacted, "lives next door")
    with pymupdf.open(stream=redacted, filetype="pdf") as check:
        assert check.embfile_count() == 0
        assert list(check[0].annots()) == [] and check[0].get_links() == []
