"""The dashboard: server-rendered pages (jinja2) with Plotly charts, served by the API app."""
