"""smartsanctions: a register, consolidation and screening platform for targeted sanctions."""

__version__ = "0.1.0"
