"""Hypothesis strategies for malformed form posts, and the check that nothing was half-written.

Values: control characters, right-to-left overrides, formula and template payloads, huge
strings, numbers out of range, wrong types as text; keys: the form's own, unknown ones, each
possibly twice or missing; files: empty, not a PDF, hostile names. A post is a valid form
mutated, or pairs drawn freely, sent urlencoded, as multipart or as a body of the wrong type.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from dsar.audit.request_trail import verify_chain
from dsar.requests.models import Request, RequestEvent

EXAMPLES = 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI does not flake on a new one
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the app, its session and client outlive examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

NASTY = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\r\n\r\nBcc: victim@example.org",
    "\u202eexe.fdp",
    "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    '@HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "{{7*7}}",
    "{% raw %}",
    "' OR 1=1 --",
    "99999999999999999999",
    "-1",
    "0",
    "1e309",
    "NaN",
    "true",
    "[]",
    '{"a": 1}',
    "../../etc/passwd",
    "zoe@example.org",
    "zoe@@example..org",
    "2026-02-30T25:61",
    "🙂" * 500,
    "A" * 70_000,
)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
FILENAMES = ("id.pdf", "", "../../etc/passwd", "a" * 300 + ".pdf", "scan.exe", "\u202efdp.exe",
             "x.PDF", "con.pdf", "nul\x00.pdf", "photo.png")  # fmt: skip
RAW_TYPES = ("application/json", "text/plain", "multipart/form-data; boundary=x", "")

text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.integers().map(str),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn"]), max_size=40),
)


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


uploads = st.builds(
    Upload,
    st.one_of(st.sampled_from([PDF, PNG, b"", b"\x00" * 64, PDF * 2000]), st.binary(max_size=500)),
    st.sampled_from(FILENAMES),
)


@dataclass(frozen=True)
class Post:
    pairs: tuple[tuple[str, str | Upload], ...] = ()
    raw: bytes | None = None  # a body that is no form at all
    content_type: str = "application/x-www-form-urlencoded"

    def send(self, client: Any, path: str) -> Any:
        if self.raw is not None:
            return client.post(path, data=self.raw, content_type=self.content_type)
        data: MultiDict[str, Any] = MultiDict()
        for key, value in self.pairs:
            if isinstance(value, Upload):
                value = (io.BytesIO(value.data), value.filename)
            data.add(key, value)
        return client.post(path, data=data, content_type=self.content_type)


def posts(valid: Mapping[str, str], fields: Sequence[str], file_fields: Sequence[str] = ()) -> Any:
    """Posts for a form whose valid data is `valid`, its other field names `fields`."""
    keys = st.sampled_from([*valid, *fields, *file_fields, "unknown", "csrf_token", ""])
    pair = st.tuples(keys, st.one_of(text_values, uploads))

    @st.composite
    def mutated(draw: Any) -> tuple[tuple[str, str | Upload], ...]:
        pairs: list[tuple[str, str | Upload]] = list(valid.items())
        for _ in range(draw(st.integers(0, 4))):
            action = draw(st.sampled_from(["replace", "drop", "twice", "add", "file"]))
            index = draw(st.integers(0, max(len(pairs) - 1, 0)))
            if action == "add" or not pairs:
                pairs.append(draw(pair))
            elif action == "replace":
                pairs[index] = (pairs[index][0], draw(text_values))
            elif action == "drop":
                pairs.pop(index)
            elif action == "twice":
                pairs.append((pairs[index][0], draw(text_values)))
            elif file_fields:
                pairs.append((draw(st.sampled_from(file_fields)), draw(uploads)))
        return tuple(pairs)

    as_form = st.builds(
        Post,
        st.one_of(mutated(), mutated(), st.lists(pair, max_size=12).map(tuple)),
        st.none(),
        st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data"]),
    )
    raw = st.builds(Post, st.just(()), st.binary(max_size=300), st.sampled_from(RAW_TYPES))
    return st.one_of(as_form, as_form, as_form, raw)


def assert_no_half_written_request(session: Session) -> int:
    """Every request has its receipt event first and as many events as its chain head counts;
    every chain verifies. Returns the number of requests."""
    session.flush()
    requests = session.execute(select(Request.id, Request.event_seq)).all()
    counts = dict(
        session.execute(
            select(RequestEvent.request_id, func.count()).group_by(RequestEvent.request_id)
        ).all()
    )
    first = dict(
        session.execute(
            select(RequestEvent.request_id, RequestEvent.action).where(RequestEvent.seq == 1)
        ).all()
    )
    for request_id, seq in requests:
        assert first.get(request_id) == "created", request_id
        assert counts[request_id] == seq, request_id
    assert verify_chain(session) is None
    return len(requests)
