"""The B2C Connected Car API surfaces."""
