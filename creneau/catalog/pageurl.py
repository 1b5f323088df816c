"""A booking page's address as a volunteer or an admin types it in a form.

Every form that creates or moves a booking page (new case, case edit, an organisation's pages, the
admin's generic sites) checks its address here: an http(s) address of a public host. The egress
guard (``creneau.lib.egress``) still checks every request at browse time; this check only says
it early, in the form, in words a volunteer understands.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from creneau.lib.urlsafety import (
    LocalAddressError,
    UnresolvableHostError,
    UnsafeURLError,
    check_public_url,
)


def clean_page_url(url: str, *, unresolved_ok: bool = False) -> str:
    """``url`` when it is an http(s) address of a public host (any host when the deployment
    allows local addresses); a :class:`forms.ValidationError` saying why otherwise.

    ``unresolved_ok``: a host name that does not resolve right now is accepted (a case is not
    refused because the server's DNS is down; its attempts then fail, as errors, until it
    resolves to a public address)."""
    if not url.startswith(("https://", "http://")):
        raise forms.ValidationError(_("L'adresse doit commencer par https://"))
    try:
        check_public_url(url, allow_local=settings.ALLOW_LOCAL_URLS)
    except LocalAddressError as exc:
        raise forms.ValidationError(
            _(
                "Cette adresse mène à %(address)s, une adresse locale ou privée : Créneau "
                "ne visite que des pages publiques."
            )
            % {"address": exc.address}
        ) from exc
    except UnresolvableHostError as exc:
        if not unresolved_ok:
            raise forms.ValidationError(exc.message) from exc
    except UnsafeURLError as exc:
        raise forms.ValidationError(exc.message) from exc
    return url
