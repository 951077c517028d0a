"""Input forms for the introduction pages. The services re-check every rule; these give
field errors for what can be told from the input alone."""

from django import forms

from introductions.models import Outcome

MESSAGE_MAX = 2000
NOTE_MAX = 1000
REASON_MAX = 300
REPORT_MAX = 500


def _textarea(rows: int, maxlength: int, placeholder: str = "") -> forms.Textarea:
    attrs: dict[str, str | int] = {"rows": rows, "maxlength": maxlength}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class IntroductionRequestForm(forms.Form):
    """Ask to be introduced: which broker (or chain of two), a message and a private note.

    `via` choices are the brokers (2nd degree) or paths (3rd degree) the page offers,
    as comma-separated member ids; anything else is "not a valid choice".
    """

    via = forms.ChoiceField(
        label="Who should introduce you",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who should introduce you."},
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX,
        strip=True,
        label="Your message",
        widget=_textarea(6, MESSAGE_MAX, "Why you would like to meet, in a few sentences."),
        error_messages={"required": "Write a message for the person you want to meet."},
    )
    note_to_broker = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        label="Private note for your connection (optional)",
        help_text="Only the person you ask sees this note: never the one you want to meet.",
        widget=_textarea(3, NOTE_MAX, "Context that helps them decide."),
    )

    def __init__(self, *args: object, via_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["via"].choices = via_choices  # type: ignore[attr-defined]

    def via_ids(self) -> list[int]:
        return [int(part) for part in self.cleaned_data["via"].split(",")]


class ForwardForm(forms.Form):
    endorsement = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        label="Your words for them (optional)",
        help_text="Shown with the request: why you think they should meet.",
        widget=_textarea(3, NOTE_MAX, "I have worked with … for years; …"),
    )


class BrokerDeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        strip=True,
        label="Reason (optional)",
        widget=_textarea(2, REASON_MAX),
    )


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(
        choices=Outcome.Result.choices,
        label="What came of it",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what came of it."},
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        max_length=REPORT_MAX,
        strip=True,
        label="What is wrong with it",
        widget=_textarea(2, REPORT_MAX, "Spam, harassment, …"),
        error_messages={"required": "Say what is wrong with the message."},
    )


class OfferForm(forms.Form):
    """Introduce two of your connections, or a connection and someone to invite by e-mail."""

    first = forms.ChoiceField(
        label="Introduce",
        error_messages={"required": "Choose one of your connections."},
    )
    second = forms.ChoiceField(label="One of your connections", required=False)
    second_email = forms.EmailField(
        max_length=254,
        required=False,
        label="Or someone not on LinkUp: their e-mail address",
        help_text="They get an invitation to join; the introduction waits for them.",
        widget=forms.EmailInput(attrs={"placeholder": "name@example.com", "autocomplete": "off"}),
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX,
        strip=True,
        label="Why they should meet",
        help_text="Both of them read this.",
        widget=_textarea(5, MESSAGE_MAX, "You both work on …; I think you should talk because …"),
        error_messages={"required": "Say why they should meet."},
    )

    def __init__(self, *args: object, people: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["first"].choices = [("", "Choose a connection…"), *people]  # type: ignore[attr-defined]
        self.fields["second"].choices = [("", "Choose a connection…"), *people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second, email = data.get("first"), data.get("second"), data.get("second_email")
        if second and email:
            self.add_error("second_email", "Choose a connection or give an address, not both.")
        elif not second and not email and "second_email" not in self.errors:
            self.add_error("second", "Choose a second connection, or give an e-mail address.")
        elif first and second and first == second:
            self.add_error("second", "Choose two different people.")
        return data


class BrokerSettingsForm(forms.Form):
    capacity_per_month = forms.IntegerField(
        min_value=0,
        max_value=200,
        label="Requests you accept in 30 days",
        help_text="When you have had this many, people see you as unavailable. 0 to 200.",
        widget=forms.NumberInput(attrs={"min": 0, "max": 200}),
    )
    topics = forms.CharField(
        max_length=300,
        required=False,
        strip=True,
        label="What you are happy to introduce people for",
        help_text="Shown to people choosing who should introduce them.",
        widget=forms.TextInput(attrs={"placeholder": "Hiring, aviation, climbing partners…"}),
    )
    paused = forms.BooleanField(
        required=False,
        label="Pause: take no introduction requests for now",
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
