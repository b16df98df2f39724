"""Monitors: parse, validate, compile and evaluate zone, time and data triggers combined by a boolean expression.

Pure and deterministic: no I/O, no store, no clock of its own. Times are epoch milliseconds (UTC).
"""
