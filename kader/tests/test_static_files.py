"""Static files as production serves them (issue 19), from the live server, which serves
them the same way (the root conftest's `live_server`): hashed names, compressed, cached
for a year; and the web app manifest that makes Kader installable."""

import re

import pytest
import requests
from PIL import Image

pytestmark = pytest.mark.django_db(transaction=True)

LINKED = re.compile(r'(?:href|src|data-library|data-style)="(/static/[^"]+)"')


def linked_files(live_server) -> list[str]:
    html = requests.get(live_server.url + "/accounts/login/", timeout=10).text
    return LINKED.findall(html)


def test_every_file_a_page_links_has_a_hashed_name_and_is_cached_for_a_year(live_server):
    files = linked_files(live_server)
    assert any("/vendor/bootstrap/css/bootstrap.min." in url for url in files), files
    for url in files:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), url
        response = requests.get(live_server.url + url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_text_files_are_sent_compressed(live_server, encoding):
    (css,) = [url for url in linked_files(live_server) if "bootstrap.min" in url and "css" in url]
    plain = requests.get(live_server.url + css, headers={"Accept-Encoding": "identity"}, timeout=10)
    packed = requests.get(
        live_server.url + css, headers={"Accept-Encoding": encoding}, stream=True, timeout=10
    )
    assert packed.headers["Content-Encoding"] == encoding
    assert int(packed.headers["Content-Length"]) < len(plain.content) / 5


def test_pages_are_sent_compressed_to_a_browser_that_accepts_it(live_server):
    url = live_server.url + "/accounts/login/"
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    packed = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) < len(plain.content) / 2


def test_a_file_under_its_plain_name_is_not_served(live_server):
    # Only hashed names are kept: a link written without {% static %} fails at once.
    response = requests.get(live_server.url + "/static/css/kader.css", timeout=10)
    assert response.status_code == 404


def test_the_web_app_manifest_installs_kader_in_indonesian_with_its_icons(live_server):
    html = requests.get(live_server.url + "/accounts/login/", timeout=10).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#198754">' in html
    response = requests.get(live_server.url + "/manifest.webmanifest", timeout=10)
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Kader"
    assert manifest["lang"] == "id"
    assert manifest["description"] == "Kader — pengelolaan kemitraan kader"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#198754"
    sizes: dict[str, list[int]] = {}
    for icon in manifest["icons"]:
        image = requests.get(live_server.url + icon["src"], timeout=10, stream=True)
        assert image.headers["Content-Type"] == "image/png"
        width, height = Image.open(image.raw).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), []).append(width)
    assert sizes == {"any": [192, 512], "maskable": [512]}


def test_the_manifest_reads_no_data(client, django_assert_num_queries):
    # Whatever the database holds, the manifest is the same: not one query.
    with django_assert_num_queries(0):
        response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
