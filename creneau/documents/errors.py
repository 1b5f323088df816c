"""Errors a document builder raises, with a French message saying what to do."""


class MissingInformationError(ValueError):
    """The case lacks something this document cannot do without; the message says what."""
