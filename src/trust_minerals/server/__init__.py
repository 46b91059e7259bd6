"""What the REST API (``api/``) and the dashboard (``web/``) share, so neither imports the other.

* :mod:`~trust_minerals.server.state` -- the per-app state (dataset, cache, key, limiter, jobs) and
  the JSON helpers;
* :mod:`~trust_minerals.server.problems` -- RFC 9457 problem documents and the error handlers;
* :mod:`~trust_minerals.server.security` -- settings, API key, rate limit, input guards;
* :mod:`~trust_minerals.server.jobs` -- background jobs.

The app factory :func:`trust_minerals.api.create_app` assembles them.
"""

from trust_minerals._extras import require

require("starlette", "the REST API and dashboard server state (trust serve)")
