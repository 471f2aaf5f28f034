"""survey: turn a community's structured research entries into a journal survey paper."""

__version__ = "0.1.0"
