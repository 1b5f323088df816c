import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from creneau.accounts.models import Organisation
from creneau.assessment.models import CaseAssessment
from creneau.cases.models import Case

pytestmark = pytest.mark.django_db


def run_demo(capture_on_commit) -> dict:
    out = io.StringIO()
    with capture_on_commit(execute=True):  # the assessment refresh runs after the commit
        call_command("demo", "--site-url", "http://testserver", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_demo_is_ready_to_explore_and_can_be_run_again(django_capture_on_commit_callbacks):
    first = run_demo(django_capture_on_commit_callbacks)
    second = run_demo(django_capture_on_commit_callbacks)

    assert Organisation.objects.filter(slug="demo").count() == 1
    case = Case.objects.get()
    assert first["case"] == second["case"] == case.reference
    assert case.attempts.count() == 17 and case.attempts.filter(source="imported").count() == 17
    assert CaseAssessment.objects.filter(case=case).exists()
    assert case.booking_page.url == "http://127.0.0.1:8765/93/booking/create/9845/0"

    user = User.objects.get(username="demo")
    assert not user.check_password(first["password"])  # replaced by the second run
    assert user.check_password(second["password"])
    volunteer = Client()
    volunteer.force_login(user)
    assert (
        volunteer.get(second["urls"]["case"].removeprefix("http://testserver")).status_code == 200
    )

    old = Client().get(first["urls"]["personal_link"].removeprefix("http://testserver"))
    new = Client().get(
        second["urls"]["personal_link"].removeprefix("http://testserver"), follow=True
    )
    assert old.status_code == 403
    assert new.status_code == 200 and case.reference in new.content.decode()
    assert second["simulators"] == "creneau simulate --port 8765"
