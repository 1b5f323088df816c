import logging
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from creneau.accounts import audit, backends, twofactor
from creneau.accounts.forms import CodeForm, FirstRunForm
from creneau.accounts.models import AuditEvent, Member, Organisation, organisations_of

log = logging.getLogger("creneau.accounts.twofactor")


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
        login(request, user, backend=backends.PATH)
        return redirect("case-list")
    return render(request, "accounts/first_run.html", {"form": form})


# --- second factor (twofactor.py) ---


class PasswordLoginView(auth_views.LoginView):
    """Step 1, the password (django-axes throttles it). With a second factor, nobody is logged
    in yet: the password-checked account waits in the session for its code (``login_code``)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if twofactor.pending(request.session) is not None:
            return redirect("login-code")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not twofactor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()  # a planted session id learns nothing of this step
        twofactor.remember_pending(self.request.session, user, self.get_success_url())
        return redirect("login-code")


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the app or a recovery code; only then is the session logged in."""
    state = twofactor.pending(request.session)
    user = User.objects.filter(pk=state["user"], is_active=True).first() if state else None
    if state is None or user is None:
        messages.info(request, _("Saisissez votre identifiant et votre mot de passe."))
        return redirect("login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        del request.session[twofactor.PENDING_KEY]
        return cast(HttpResponse, get_lockout_response(request, None, credentials))
    form = CodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        check = twofactor.check_code(user, form.cleaned_data["code"])
        if check.device is not None:
            return _complete_login(request, user, state, check.device)
        _refuse_code(form, check.wait_seconds)
        if not check.wait_seconds:
            log.warning("wrong second factor for user %s", user.pk)
            # Counted by django-axes with the wrong passwords: it locks the account the same way.
            user_login_failed.send(__name__, credentials=credentials, request=request)
    return render(request, "accounts/login_code.html", {"form": form})


def _complete_login(
    request: HttpRequest, user: User, state: dict[str, Any], device: Device
) -> HttpResponse:
    del request.session[twofactor.PENDING_KEY]
    login(request, user, backend=state["backend"] or None)
    otp_login(request, device)  # the session is verified: TwoFactorMiddleware lets it through
    log.info("second factor accepted for user %s (%s)", user.pk, device.persistent_id)
    if isinstance(device, StaticDevice):
        messages.warning(request, _recovery_left_message(user))
    return redirect(state["next"])


def _recovery_left_message(user: User) -> str:
    left = twofactor.remaining_recovery_codes(user)
    return ngettext(
        "Vous avez utilisé un code de secours : il vous en reste %(left)d.",
        "Vous avez utilisé un code de secours : il vous en reste %(left)d.",
        left,
    ) % {"left": left}


def _refuse_code(form: CodeForm, wait: int) -> None:
    if wait:
        form.add_error(
            "code",
            ngettext(
                "Trop de codes erronés : attendez %(wait)d seconde avant de réessayer.",
                "Trop de codes erronés : attendez %(wait)d secondes avant de réessayer.",
                wait,
            )
            % {"wait": wait},
        )
    else:
        form.add_error(
            "code",
            _(
                "Code incorrect ou déjà utilisé. Vérifiez que l'heure de votre téléphone est "
                "exacte, puis saisissez le code affiché maintenant."
            ),
        )


@require_POST
def cancel_login(request: HttpRequest) -> HttpResponse:
    request.session.pop(twofactor.PENDING_KEY, None)
    return redirect("login")


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/security.html", _security_context(request, CodeForm(recovery=True))
    )


def _security_context(request: HttpRequest, form: CodeForm) -> dict[str, Any]:
    return {
        "enabled": twofactor.has_two_factor(request.user),
        "required": twofactor.required_for(request.user),
        "recovery_left": twofactor.remaining_recovery_codes(request.user),
        "administered": organisations_of(request.user, role=Member.Role.ADMIN),
        "form": form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def enable_two_factor(request: HttpRequest) -> HttpResponse:
    """Scan (or type) the secret, then prove it works with a first code."""
    if twofactor.has_two_factor(request.user):
        return redirect("account-security")
    user = cast(User, request.user)
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = twofactor.wait_seconds(device)
        codes = None if wait else twofactor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)  # this session has just proved the second factor
            return _show_recovery_codes(request, codes)
        _refuse_code(form, wait)
    context = {
        "form": form,
        "qr": mark_safe(twofactor.qr_svg(device)),  # noqa: S308 (segno's own SVG markup)
        "secret": twofactor.secret_text(device),
    }
    response = render(request, "accounts/enable.html", context)
    response.headers["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    response = render(request, "accounts/recovery_codes.html", {"codes": shown})
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def disable_two_factor(request: HttpRequest) -> HttpResponse:
    """Only with a current code (or a recovery code): a borrowed session cannot remove it."""
    if twofactor.required_for(request.user):
        messages.error(request, _("Votre organisation exige la double authentification."))
        return redirect("account-security")
    form, device = _checked_code(request)
    if device is None:
        return render(
            request, "accounts/security.html", _security_context(request, form), status=400
        )
    twofactor.remove(request.user)
    log.info("two-factor disabled by user %s", request.user.pk)
    messages.success(request, _("La double authentification est désactivée."))
    return redirect("account-security")


def _checked_code(request: HttpRequest) -> tuple[CodeForm, Device | None]:
    """The code posted by the logged-in member, and the device that accepted it."""
    form = CodeForm(request.POST, recovery=True)
    if not form.is_valid():
        return form, None
    check = twofactor.check_code(request.user, form.cleaned_data["code"])
    if check.device is None:
        _refuse_code(form, check.wait_seconds)
    return form, check.device


@login_required
@require_POST
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    form, device = _checked_code(request)
    if device is None:
        return render(
            request, "accounts/security.html", _security_context(request, form), status=400
        )
    log.info("recovery codes renewed by user %s", request.user.pk)
    return _show_recovery_codes(request, twofactor.new_recovery_codes(request.user))


@login_required
@require_POST
def require_two_factor(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation admin requires (or stops requiring) a second factor of every member."""
    administered = organisations_of(request.user, role=Member.Role.ADMIN)
    organisation = get_object_or_404(administered, slug=slug)
    organisation.require_two_factor = request.POST.get("require") == "1"
    organisation.save(update_fields=["require_two_factor"])
    log.info(
        "two-factor %s for organisation %s by user %s",
        "required" if organisation.require_two_factor else "optional",
        organisation.slug,
        request.user.pk,
    )
    audit.record(
        request.user,
        organisation,
        "*",
        AuditEvent.Action.CHANGE,
        "double authentification "
        + ("obligatoire" if organisation.require_two_factor else "facultative"),
    )
    messages.success(request, _("Le réglage de votre organisation est enregistré."))
    if request.POST.get("back") == "organisation":
        return redirect("organisation-settings", slug=organisation.slug)
    return redirect("account-security")
