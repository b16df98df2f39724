"""Fleet Owner API (seed 001; b2b-v2-fleet.yaml and b2b-v3-fleet.yaml), under /connectedcar/v2 and /v3."""

V2_PREFIX = "/connectedcar/v2"
V3_PREFIX = "/connectedcar/v3"
