"""trust-minerals."""
