"""connectedcar: a self-hosted Connected Car platform speaking the PSA / Stellantis Connected Car API."""

__version__ = "0.1.0"
