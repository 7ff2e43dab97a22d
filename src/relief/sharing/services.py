"""Create, find and revoke shares and API tokens; record every access through a share."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from relief.sharing.models import ApiToken, Share, ShareAccess

TOKEN_PREFIX = "rj_"
SHARE_PREFIX = "rs_"
DEFAULT_LINK_DAYS = 14


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


@transaction.atomic
def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``; the plaintext is returned once and never stored."""
    plaintext = _new_secret(TOKEN_PREFIX)
    token = ApiToken(user=user, name=name, token_hash=hash_secret(plaintext), prefix=plaintext[:8])
    token.full_clean()
    token.save()
    return token, plaintext


def revoke_api_token(user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise ValidationError({"token": "belongs to another person"})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_api_token(plaintext: str) -> User | None:
    """The owner of an active token, or None; marks the token as used."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def create_link_share(
    user: User, *, label: str, expires_at: datetime | None = None, days: int = DEFAULT_LINK_DAYS
) -> tuple[Share, str]:
    """A secret read-only link; returns the share and the token (shown once, only its hash is kept)."""
    if expires_at is None:
        if not 1 <= days <= 365:
            raise ValidationError({"days": "choose between 1 and 365 days"})
        expires_at = timezone.now() + timedelta(days=days)
    plaintext = _new_secret(SHARE_PREFIX)
    share = Share(user=user, kind=Share.Kind.LINK, label=label, token_hash=hash_secret(plaintext))
    share.expires_at = expires_at
    share.full_clean()
    share.save()
    return share, plaintext


INVITED = (
    "Invitation recorded for {who}. If an account has that username or e-mail address, its owner "
    "sees the invitation under \u201cShared with me\u201d; nothing is shared until they accept."
)


@transaction.atomic
def invite_reader(
    user: User, *, username_or_email: str, label: str = "", expires_at: datetime | None = None
) -> Share:
    """Invite an account, named by username or e-mail, to read ``user``'s journal once it accepts.

    The answer is the same whether or not such an account exists (and for a repeat): an open
    invitation is recorded either way, so the inviter learns nothing about who has an account.
    """
    wanted = " ".join(username_or_email.split())
    if not wanted:
        raise ValidationError({"username_or_email": "give the username or e-mail address of the person"})
    if wanted.casefold() in {user.get_username().casefold(), (user.email or "").casefold()}:
        raise ValidationError({"username_or_email": "is you; share with someone else"})
    users = get_user_model()
    matches = list(
        users.objects.filter(Q(username__iexact=wanted) | Q(email__iexact=wanted), is_active=True)[:2]
    )
    reader = matches[0] if len(matches) == 1 else None
    open_ones = Share.objects.filter(_open(), user=user, kind=Share.Kind.ACCOUNT)
    earlier = open_ones.filter(invited_as__iexact=wanted).first()
    if earlier is None and reader is not None:
        earlier = open_ones.filter(reader=reader).first()
    if earlier is not None:
        return earlier  # a repeat: the same answer, nothing new
    share = Share(user=user, kind=Share.Kind.ACCOUNT, label=label or wanted, reader=reader, invited_as=wanted)
    share.expires_at = expires_at
    share.full_clean()
    share.save()
    return share


def pending_invitations(reader: User) -> QuerySet[Share]:
    """Open invitations to ``reader`` that they have not answered yet."""
    return Share.objects.filter(_open(), kind=Share.Kind.ACCOUNT, reader=reader, accepted_at__isnull=True)


def accept_invitation(reader: User, share: Share) -> Share:
    """``reader`` accepts an invitation addressed to them: from now on it shares (read-only)."""
    if share.reader_id != reader.pk or not share.is_pending():
        raise ValidationError({"share": "is not an open invitation to you"})
    share.accepted_at = timezone.now()
    share.save(update_fields=["accepted_at"])
    return share


def decline_invitation(reader: User, share: Share) -> Share:
    if share.reader_id != reader.pk or not share.is_pending():
        raise ValidationError({"share": "is not an open invitation to you"})
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    return share


def revoke_share(user: User, share: Share) -> Share:
    if share.user_id != user.pk:
        raise ValidationError({"share": "belongs to another person"})
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def _open() -> Q:
    """Not revoked and not expired."""
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


def _active() -> Q:
    """Open, and either a link or an accepted invitation: what actually shares."""
    return _open() & (Q(kind=Share.Kind.LINK) | Q(accepted_at__isnull=False))


def owned_active_shares(user: User) -> QuerySet[Share]:
    return Share.objects.filter(_active(), user=user)


def share_for_link(token: str) -> Share | None:
    """The active link share of a token, or None (unknown, revoked and expired look the same)."""
    if not token.startswith(SHARE_PREFIX):
        return None
    return (
        Share.objects.filter(_active(), kind=Share.Kind.LINK, token_hash=hash_secret(token))
        .select_related("user")
        .first()
    )


def share_for_reader(owner: User, reader: User) -> Share | None:
    """The active account share through which ``reader`` may read ``owner``'s journal, or None."""
    if not reader.is_authenticated:
        return None
    return Share.objects.filter(_active(), kind=Share.Kind.ACCOUNT, user=owner, reader=reader).first()


def shared_with(reader: User) -> QuerySet[Share]:
    """Active account shares that others have given to ``reader``."""
    return Share.objects.filter(_active(), kind=Share.Kind.ACCOUNT, reader=reader).select_related(
        "user", "user__profile"
    )


def record_access(share: Share, request: HttpRequest) -> ShareAccess:
    viewer = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    # A link token in the path is a secret: the log shows the path with the token masked.
    path = request.path
    if share.kind == Share.Kind.LINK:
        path = path.replace(_token_in(path), "…") if _token_in(path) else path
    return ShareAccess.objects.create(
        share=share,
        viewer=viewer,
        method=request.method or "GET",
        path=path[:300],
        user_agent=request.headers.get("User-Agent", "")[:200],
    )


def _token_in(path: str) -> str:
    for part in path.split("/"):
        if part.startswith(SHARE_PREFIX):
            return part
    return ""
