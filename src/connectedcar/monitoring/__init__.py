"""Monitors at work: their full definitions, their evaluation against processed reports, their events."""
