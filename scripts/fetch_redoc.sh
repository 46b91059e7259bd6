#!/bin/sh
# Refresh the vendored Redoc bundle (src/trust_minerals/api/static/redoc/) from the npm registry:
# `npm pack` of the pinned version, checked against the registry's published integrity (sha512),
# then the standalone bundle and the licence are copied in. Needs npm and network access to the npm
# registry; only maintainers run it (the package, its tests and `make test` use the committed file).
# To move to another version: change VERSION and INTEGRITY (from `npm view redoc@X dist.integrity`),
# run this, update the version and SHA-256 in the folder's README.md, and re-run the browser tests.
set -eu
VERSION=3.0.1
INTEGRITY=sha512-KDfoKaYW19LCl4YStgBnwlaNjYEFfs5zCNt1s1WZ2YM5u8d26Yuzd2l43fZO851ZsgIMe/D640fDJkD8eaRQKQ==
DEST="$(cd "$(dirname "$0")/.." && pwd)/src/trust_minerals/api/static/redoc"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack "redoc@$VERSION" --silent >/dev/null
GOT="sha512-$(openssl dgst -sha512 -binary "redoc-$VERSION.tgz" | base64 -w0)"
if [ "$GOT" != "$INTEGRITY" ]; then
  echo "redoc-$VERSION.tgz: integrity $GOT, expected $INTEGRITY" >&2
  exit 1
fi
tar xzf "redoc-$VERSION.tgz"
cp package/bundles/redoc.standalone.js package/LICENSE "$DEST/"
sha256sum "$DEST/redoc.standalone.js"
