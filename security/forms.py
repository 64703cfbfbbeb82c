from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from django import forms

from security.lockout import locked_until, lockout_message


class AuthenticateForm(AllauthAuthenticateForm):
    """allauth's second-factor step, refusing codes while the username is locked out. Wrong codes
    count toward the lockout like wrong passwords (`security.receivers`), so a stolen password
    does not buy unlimited guesses at the code."""

    def clean_code(self) -> str:
        if locked_until(username=self.user.get_username()) is not None:
            raise forms.ValidationError(lockout_message(), code="locked_out")
        code: str = super().clean_code()
        return code
