"""Remote actions at work: the lifecycle of each action (engine.remotes) driven by the API, the
vehicles' command channel and clock ticks, with every status reported through the outbox."""
