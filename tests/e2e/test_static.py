"""Static files as a browser gets them from a server set up like `make run`: names that change with
the content, compressed, and cached for a year."""

import re
import urllib.request

import pytest

pytestmark = pytest.mark.presentation


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    with urllib.request.urlopen(f"{server}/") as response:  # noqa: S310 (the test's own server)
        html = response.read().decode()
    stylesheet = re.search(r'href="(/static/ui/sahl\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the stylesheet by a content-hashed name"
    url = f"{server}{stylesheet.group(1)}"
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.headers["Content-Encoding"] == "gzip"
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 86400
