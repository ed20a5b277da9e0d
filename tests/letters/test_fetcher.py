"""Rendering a letter to PDF loads nothing but the app's static files: no network, no other file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from flask import Flask

from dsar.letters.fetcher import STATIC_DIR, RefusedResource, StaticOnlyFetcher
from dsar.letters.rendering import render_pdf

PNG_1X1 = bytes.fromhex(  # one grey pixel
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082"
)


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(url, outcome) for every resource the letter's PDF rendering asked for."""
    calls: list[tuple[str, str]] = []
    original = StaticOnlyFetcher.fetch

    def spy(self: StaticOnlyFetcher, url: str, headers: object = None):  # type: ignore[no-untyped-def]
        try:
            response = original(self, url, headers)
        except RefusedResource:
            calls.append((url, "refused"))
            raise
        calls.append((url, "loaded"))
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    return calls


def _letter(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body><p>Hallo Jürgen</p>{body}</body></html>"


def test_remote_and_local_urls_in_a_letter_are_refused_without_a_connection(
    connections: list[tuple[str, int]], fetched: list[tuple[str, str]], tmp_path: Path
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # records a connection, if one came
    listener.setblocking(False)
    port = listener.getsockname()[1]
    outside = tmp_path / "outside.css"
    outside.write_text("@page { size: A5 }")
    refused = [
        "file:///etc/passwd",
        outside.as_uri(),
        "https://fonts.example/letter.css",
        "http://127.0.0.1:9/x",
        f"http://127.0.0.1:{port}/pixel.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    html = _letter(
        head="".join(f'<link rel="stylesheet" href="{url}">' for url in refused[:3]),
        body="".join(f'<img src="{url}">' for url in refused[3:]),
    )
    try:
        pdf = render_pdf(html)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked on the local port
    finally:
        listener.close()

    assert pdf.startswith(b"%PDF-")
    assert connections == []
    assert sorted(fetched) == sorted((url, "refused") for url in refused)


def test_a_file_in_the_static_folder_is_loaded(
    tmp_path: Path, fetched: list[tuple[str, str]]
) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "logo.png").write_bytes(PNG_1X1)

    pdf = render_pdf(_letter(body='<img src="logo.png">'), static=static)

    assert pdf.startswith(b"%PDF-")
    assert fetched == [((static / "logo.png").as_uri(), "loaded")]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://otherhost{path}/logo.png",
        "{static}/../secret.txt",
        "{static}/%2e%2e/secret.txt",
        "{static}/link.png",  # a symbolic link out of the folder
        "{static}/missing.png",
        "{static}",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(tmp_path: Path, url: str) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.png").symlink_to(tmp_path / "secret.txt")
    (static / "logo.png").write_bytes(PNG_1X1)
    fetcher = StaticOnlyFetcher(static)

    with pytest.raises(RefusedResource):
        fetcher(url.replace("{static}", static.as_uri()).replace("{path}", str(static)))
    assert fetcher((static / "logo.png").as_uri()).read() == PNG_1X1


def test_the_static_folder_is_flasks_for_the_app() -> None:
    assert Path(Flask("dsar").static_folder or "").resolve() == STATIC_DIR.resolve()
