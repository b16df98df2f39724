"""B2C Connected Car API v2.0.0 (seed 000), under /connectedcar/v2."""

PREFIX = "/connectedcar/v2"
