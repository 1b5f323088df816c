"""Record who viewed, exported, changed or erased a case."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User

from creneau.accounts.models import AuditEvent, Organisation


def record(
    user: AbstractBaseUser | AnonymousUser | None,
    organisation: Organisation | None,
    case_reference: str,
    action: str,
    detail: str = "",
) -> AuditEvent:
    """``user`` None means the command line (the operator of the machine)."""
    account = user if isinstance(user, User) else None
    return AuditEvent.objects.create(
        user=account,
        actor=account.get_username() if account else "ligne de commande",
        organisation=organisation,
        case_reference=case_reference,
        action=action,
        detail=detail[:200],
    )
