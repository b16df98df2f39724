"""The pipeline's I/O shell: reports from the bus, through the pure engine, into the store."""
