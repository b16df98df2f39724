"""Remote actions: parse remote callbacks and remote actions, follow one action's lifecycle, and decide
what an action does to a vehicle.

Pure and deterministic: no I/O, no store, no clock of its own. Times are epoch milliseconds (UTC).

- model.py: the remote types, the actions (one dataclass per kind), RemoteAction and RemoteCallback.
- parsing.py: parse_remote_callback, parse_remote_action, notification_type, check_callback_serves.
- lifecycle.py: the state machine of one action, from submission to Success, AlreadyDone or Failed.
- vehicle.py: what an action does to a vehicle (Success and the new snapshot, AlreadyDone or Failed).
"""
