"""Pure, deterministic processing: functions of (state, input, clock) -> (state, outputs). No I/O."""
