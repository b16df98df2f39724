"""Authentication: OAuth2 (B2C), and later Basic + mTLS (fleets) and realm headers (end-users)."""
