from tests.notifications.smsgateway import (  # noqa: F401 (local SMS services)
    http_gateway,
    sms_gateway,
)
from tests.scheduling.conftest import smtp  # noqa: F401 (a real SMTP server on 127.0.0.1)
