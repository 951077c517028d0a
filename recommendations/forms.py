"""Forms of the recommendation pages. The services re-check every rule; these give field
errors for what can be told from the input alone."""

from typing import Any

from django import forms

from profiles.models import Education, Position
from recommendations.models import BODY_MAX, MESSAGE_MAX, Relationship


def _textarea(rows: int, maxlength: int, placeholder: str = "") -> forms.Textarea:
    attrs: dict[str, str | int] = {"rows": rows, "maxlength": maxlength}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


def about_choices(positions: list[Position], schools: list[Education]) -> list[tuple[str, str]]:
    """A member's positions and schools as choices: "p:<id>" and "e:<id>"."""
    return [
        *((f"p:{p.pk}", f"{p.title} at {p.organization} ({p.period})") for p in positions),
        *((f"e:{e.pk}", f"{e}{f' ({e.period})' if e.period else ''}") for e in schools),
    ]


def parse_about(value: str) -> tuple[int | None, int | None]:
    """ "p:12" → (12, None); "e:7" → (None, 7)."""
    kind, _, raw = value.partition(":")
    number = int(raw)
    return (number, None) if kind == "p" else (None, number)


class _AboutMixin:
    def about_ids(self) -> tuple[int | None, int | None]:
        return parse_about(self.cleaned_data["about"])  # type: ignore[attr-defined]


class AskForm(_AboutMixin, forms.Form):
    author = forms.ChoiceField(
        label="Whom to ask",
        error_messages={
            "required": "Choose the connection to ask.",
            "invalid_choice": "Choose one of your connections.",
        },
    )
    about = forms.ChoiceField(
        label="For which position or school",
        error_messages={
            "required": "Choose the position or school it is about.",
            "invalid_choice": "Choose one of your positions or schools.",
        },
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX,
        required=False,
        strip=True,
        label="Your message",
        widget=_textarea(4, MESSAGE_MAX, "What would you like them to mention?"),
    )

    def __init__(
        self,
        *args: Any,
        connections: list[tuple[str, str]],
        about: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "Choose a connection"), *connections]  # type: ignore[attr-defined]
        self.fields["about"].choices = [("", "Choose a position or school"), *about]  # type: ignore[attr-defined]


class WriteForm(_AboutMixin, forms.Form):
    about = forms.ChoiceField(
        label="For which of their positions or schools",
        error_messages={
            "required": "Choose the position or school it is about.",
            "invalid_choice": "Choose one of their positions or schools.",
        },
    )
    relationship = forms.ChoiceField(
        label="How you know them",
        choices=[("", "Choose how you know them"), *Relationship.choices],
        error_messages={"required": "Say how you know them."},
    )
    body = forms.CharField(
        max_length=BODY_MAX,
        strip=True,
        label="Your recommendation",
        widget=_textarea(
            8, BODY_MAX, "What was it like to work with them? What are they great at?"
        ),
        error_messages={"required": "Write the recommendation."},
    )

    def __init__(self, *args: Any, about: list[tuple[str, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if about is None:  # answering a request: what it is about is the request's
            del self.fields["about"]
        else:
            self.fields["about"].choices = [("", "Choose a position or school"), *about]  # type: ignore[attr-defined]


class EditForm(forms.Form):
    relationship = forms.ChoiceField(
        label="How you know them",
        choices=Relationship.choices,
        error_messages={"required": "Say how you know them."},
    )
    body = forms.CharField(
        max_length=BODY_MAX,
        strip=True,
        label="Your recommendation",
        widget=_textarea(8, BODY_MAX),
        error_messages={"required": "Write the recommendation."},
    )


class ReviseForm(forms.Form):
    message = forms.CharField(
        max_length=MESSAGE_MAX,
        strip=True,
        label="What should change",
        widget=_textarea(3, MESSAGE_MAX, "Say what you would like them to change."),
        error_messages={"required": "Say what you would like them to change."},
    )


class ChooseConnectionForm(forms.Form):
    member = forms.ChoiceField(
        label="Whom to recommend",
        error_messages={
            "required": "Choose a connection.",
            "invalid_choice": "Choose one of your connections.",
        },
    )

    def __init__(self, *args: Any, connections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Choose a connection"), *connections]  # type: ignore[attr-defined]
