"""Static assets: versioned URLs, cache headers, revalidation and gzip (server.assets)."""

from __future__ import annotations

import gzip

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from trust_minerals.server.assets import IMMUTABLE, REVALIDATE, Asset, accepts_gzip


def request(query: str = "", **headers: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/static/a.js",
            "query_string": query.encode(),
            "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
        }
    )


ASSET = Asset.from_bytes("/static/a.js", b"console.log('x');\n" * 200, "text/javascript")


@given(st.binary(max_size=4096))
def test_gzip_form_decompresses_to_the_body_and_version_is_the_content_hash(body: bytes) -> None:
    import hashlib

    asset = Asset.from_bytes("/static/b", body, "application/octet-stream")
    assert gzip.decompress(asset.gzipped) == body
    assert asset.version == hashlib.sha256(body).hexdigest()[:12]
    assert asset.url == f"/static/b?v={asset.version}"
    # the same bytes give the same version and the same compressed bytes (no timestamp)
    again = Asset.from_bytes("/static/b", body, "application/octet-stream")
    assert again.gzipped == asset.gzipped and again.version == asset.version


def test_current_version_is_immutable_any_other_request_revalidates() -> None:
    current = ASSET.response(request(f"v={ASSET.version}"))
    assert current.headers["cache-control"] == IMMUTABLE
    assert current.headers["etag"] == f'"{ASSET.version}"'
    for query in ("", "v=0123456789ab"):
        stale = ASSET.response(request(query))
        assert stale.headers["cache-control"] == REVALIDATE
        assert stale.body == ASSET.body


def test_matching_etag_gets_304_without_body() -> None:
    r = ASSET.response(request(if_none_match=f'W/"zzz", "{ASSET.version}"'))
    assert r.status_code == 304 and r.body == b""
    assert ASSET.response(request(if_none_match='"other"')).status_code == 200


def test_gzip_only_when_the_client_accepts_it() -> None:
    zipped = ASSET.response(request(accept_encoding="gzip, deflate, br"))
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == ASSET.body
    assert len(zipped.body) < len(ASSET.body)
    assert zipped.headers["vary"] == "Accept-Encoding"
    plain = ASSET.response(request(accept_encoding="br"))
    assert "content-encoding" not in plain.headers and plain.body == ASSET.body


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip("gzip")
    assert accepts_gzip("deflate, GZIP;q=0.5")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("gzip;q=nonsense")
    assert not accepts_gzip("identity, br")
    assert not accepts_gzip("")
