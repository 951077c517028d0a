from typing import Any

from django import forms

from asks import services
from profiles.industries import Industry

OPEN_FOR_CHOICES = [
    (7, "A week"),
    (14, "Two weeks"),
    (30, "30 days"),
    (60, "60 days"),
    (90, "90 days"),
]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class AskForm(forms.Form):
    title = forms.CharField(
        max_length=services.TITLE_MAX,
        label="What do you need?",
        help_text="For example: “Looking for an aviation technical writer”.",
    )
    body = forms.CharField(
        max_length=services.BODY_MAX,
        label="Details",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What would help, and who would be right. Never put contact details here.",
    )
    topic = forms.CharField(
        max_length=services.TOPIC_MAX,
        required=False,
        help_text="A few words, like “technical writing” or “freelance indexing”.",
    )
    industry = forms.ChoiceField(choices=[("", "Any industry"), *Industry.choices], required=False)
    open_for = forms.TypedChoiceField(
        choices=OPEN_FOR_CHOICES,
        coerce=int,
        initial=30,
        label="Open for",
        help_text="It leaves your connections’ feeds after that.",
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        max_length=services.BODY_MAX,
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the asker reads it.",
    )


class ReferForm(forms.Form):
    member = forms.ChoiceField(label="Whom do you refer?")
    note = forms.CharField(
        max_length=services.NOTE_MAX,
        required=False,
        label="Why they should meet",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both of them read it.",
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "member", [("", "Choose one of your connections"), *people])


class PassForm(forms.Form):
    to = forms.MultipleChoiceField(
        label="Pass it on to",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {services.RECIPIENTS_MAX} of your connections at a time.",
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "to", people)


class CloseForm(forms.Form):
    solved = forms.TypedChoiceField(
        choices=[("yes", "Solved: I found what I needed"), ("no", "Not solved")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="How did it go?",
    )
    helpers = forms.MultipleChoiceField(
        required=False,
        label="Who helped? They are thanked.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "helpers", people)
