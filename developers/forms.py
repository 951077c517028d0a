from typing import Any

from django import forms

from common.exceptions import ApplicationError
from developers import services

CLIENT_TYPE_CHOICES = [
    (
        "confidential",
        "Confidential: a server-side app that can keep a client secret",
    ),
    (
        "public",
        "Public: an app in a browser or on a phone; no secret, PKCE alone protects it",
    ),
]

TOKEN_LIFETIME_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("never", "Never"),
]


def _days(value: str) -> int | None:
    return None if value == "never" else int(value)


class ApplicationForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Members see it on the consent page and in their settings."
    )
    redirect_uris = forms.CharField(
        label="Redirect URIs",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://app.example/callback"}),
        help_text="One per line, https only, matched exactly.",
    )

    def clean_redirect_uris(self) -> list[str]:
        try:
            return services.redirect_uris_parse(self.cleaned_data["redirect_uris"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc


class ApplicationRegisterForm(ApplicationForm):
    client_type = forms.ChoiceField(
        choices=CLIENT_TYPE_CHOICES, widget=forms.RadioSelect, initial="confidential"
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, so you recognise it later.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. CRM sync"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=TOKEN_LIFETIME_CHOICES,
        initial="90",
        coerce=_days,
    )

    def clean_name(self) -> Any:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name
