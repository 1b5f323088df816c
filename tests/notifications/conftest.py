from tests.notifications.smsgateway import sms_gateway  # noqa: F401 (a local SMS provider API)
from tests.scheduling.conftest import smtp  # noqa: F401 (a real SMTP server on 127.0.0.1)
