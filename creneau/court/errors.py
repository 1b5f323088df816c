class BundleError(Exception):
    """The bundle cannot be built; the message (French) says why and what to do."""
