from django.core.validators import RegexValidator

# A handle is the member's public LinkUp ID: /in/<handle>/.
HANDLE_RE = r"^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$"

handle_validator = RegexValidator(
    regex=HANDLE_RE,
    message=(
        "Use 3 to 30 lowercase letters, digits or hyphens, "
        "starting and ending with a letter or digit."
    ),
    code="invalid_handle",
)
