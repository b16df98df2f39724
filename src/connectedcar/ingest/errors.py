"""The one error every decoder raises: which field of which report is wrong, and why."""

from __future__ import annotations


class ReportError(Exception):
    """A report that cannot be accepted. `field` is its dotted path inside the report (or the protocol
    parameter's name), `index` the report's position in its batch (None outside a batch)."""

    def __init__(self, field: str, reason: str, index: int | None = None) -> None:
        self.field = field
        self.reason = reason
        self.index = index
        super().__init__(self.describe())

    @property
    def location(self) -> str:
        """Where the bad value is: `reports[3].position.lat`, or just `lat`."""
        if self.index is None:
            return self.field
        return f"reports[{self.index}]" if self.field == "" else f"reports[{self.index}].{self.field}"

    def describe(self) -> str:
        return f"'{self.location}' {self.reason}"
