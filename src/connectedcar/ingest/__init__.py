"""Device-facing adapters: the native JSON protocol and the OsmAnd / Traccar Client protocol.

Decoding is pure (native.py, osmand.py: bytes and parameters in, Reports out); the HTTP shells
(http_native.py, http_osmand.py) authenticate, resolve the vehicle and hand the Reports to the bus.
"""
