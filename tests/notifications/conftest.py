from tests.scheduling.conftest import smtp  # noqa: F401 (a real SMTP server on 127.0.0.1)
