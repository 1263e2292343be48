from django import forms

from masthead.comments.models import Subscription
from masthead.comments.text import email_length_problem, normalised_email

NOTIFY_CHOICES = [("", "Nothing"), *Subscription.Scope.choices]


class CommentForm(forms.Form):
    """What a reader sends. A signed-in reader's name and address come from their
    account; a guest gives both (the address is never shown)."""

    name = forms.CharField(max_length=80, required=False, label="Name")
    email = forms.EmailField(max_length=254, required=False, label="Email", help_text="Never shown.")
    url = forms.URLField(max_length=200, required=False, label="Website (optional)", assume_scheme="https")
    body = forms.CharField(label="Comment", max_length=100_000, strip=False)
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)
    notify = forms.ChoiceField(choices=NOTIFY_CHOICES, required=False, label="Notify me of")
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # A field people never see: robots that fill every field fill it.
    company = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        if not signed_in:
            self.fields["name"].required = True
            self.fields["email"].required = True
        self.fields["name"].error_messages["required"] = "Give a name to show with your comment."
        self.fields["email"].error_messages["required"] = "Give your email address (it is never shown)."
        self.fields["body"].error_messages["required"] = "Write something before you send."

    def clean_email(self):
        # Normalised here, not later: the length a reader is told about is the one kept.
        email = normalised_email(self.cleaned_data["email"])
        if problem := email_length_problem(email):
            raise forms.ValidationError(problem)
        return email

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("A website address starts with http:// or https://.")
        return url


class EditForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=100_000, strip=False)
