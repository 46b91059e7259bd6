"""The dashboard: server-rendered pages (jinja2) with Plotly charts, served by the API app."""

from trust_minerals._extras import require

require("fastapi", "the dashboard (trust serve)")
