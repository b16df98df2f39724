"""Delivery of monitor events: webhook targets, retry and batch policies, payloads and the sender."""
