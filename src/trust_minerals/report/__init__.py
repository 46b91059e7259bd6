"""Printable briefs (HTML and PDF) and the commodity profile behind them."""
