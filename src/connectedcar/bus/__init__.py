"""Topics keyed by vehicle, from ingest adapters to the pipeline: in-process now, Redis Streams at scale."""
