"""HTTP: app factory, errors, HAL and GeoJSON rendering, paging, rate limiting, auth, API surfaces."""
