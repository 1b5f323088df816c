"""The rendered screenshots (``shots``) are a session fixture of ``tests/conftest.py``."""
