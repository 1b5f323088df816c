from django.contrib.auth import login
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from creneau.accounts.forms import FirstRunForm
from creneau.accounts.models import Member, Organisation


def first_run(request: HttpRequest) -> HttpResponse:
    """Only on a fresh install (no account yet): create the organisation and its admin."""
    if User.objects.exists():
        raise Http404
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            name = form.cleaned_data["organisation"]
            organisation = Organisation.objects.create(name=name, slug=slugify(name)[:50])
            Member.objects.create(user=user, organisation=organisation, role=Member.Role.ADMIN)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("case-list")
    return render(request, "accounts/first_run.html", {"form": form})
