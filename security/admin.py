"""Third-party admin pages that would give an administrator god mode are removed (DOMAIN.md rule
1). This module is imported after theirs (`security` is the last installed app).

* DRF's token admin listed every user's live API key and minted a key for anyone, with no
  password and no second factor: the key read cases as that person.
* allauth's authenticator admin showed TOTP secrets and recovery seeds, and deleted a person's
  second factor.
* allauth's email address admin let an administrator point a person's address at their own
  mailbox and have the person's reset link sent there.

Tokens, second factors and email addresses are each person's own: they manage them signed in as
themselves (`/accounts/`, `POST /api/v1/auth/token/`)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

for model in (TokenProxy, Authenticator, EmailAddress):
    admin.site.unregister(model)
