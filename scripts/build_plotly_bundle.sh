#!/bin/sh
# Rebuild the dashboard's vendored plotly.js bundle (src/trust_minerals/web/static/vendor/) from the
# npm registry: plotly.js and esbuild at the versions pinned in scripts/plotly_bundle/package-lock.json.
# Needs node >= 20 and npm, and network access to the npm registry; only maintainers run it (the
# package, its tests and `make test` use the committed bundle and never need npm).
set -eu
cd "$(dirname "$0")/plotly_bundle"
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs
sha256sum ../../src/trust_minerals/web/static/vendor/plotly-trust.min.js
