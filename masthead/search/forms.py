"""What a reader may ask the search page, checked: every refusal says what to change."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from masthead.news.models import Author
from masthead.search import selectors

MAX_QUERY_LENGTH = 200
ORDERS = [("relevance", "Best match"), ("newest", "Newest first")]
MATCHES = [("all", "All of the words"), ("any", "Any of the words")]
# Well inside the calendar: the search reads "until" as before the next day's start, and
# a day is turned into a time in the site's zone, neither of which the last or first day
# the calendar can write survives.
EARLIEST_DATE, LATEST_DATE = date(1000, 1, 1), date(9998, 12, 31)
DATE_RANGE = f"Dates go from 1 January {EARLIEST_DATE.year} to 31 December {LATEST_DATE.year}: pick one between."


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[
            MinValueValidator(EARLIEST_DATE, message=DATE_RANGE),
            MaxValueValidator(LATEST_DATE, message=DATE_RANGE),
        ],
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        ),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Searches are at most {MAX_QUERY_LENGTH} characters: shorten yours."},
    )
    section = forms.TypedChoiceField(label="Section", required=False, coerce=int, empty_value=None)
    author = forms.CharField(label="Author", required=False, max_length=120)
    since = date_field("From")
    until = date_field("To")
    order = forms.ChoiceField(label="Order", required=False, choices=ORDERS)
    match = forms.ChoiceField(required=False, choices=MATCHES, widget=forms.HiddenInput)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=selectors.MAX_PAGES,
        widget=forms.HiddenInput,
        error_messages={
            "max_value": f"Results go {selectors.MAX_PAGES} pages deep: add a word or a filter to find it sooner.",
            "min_value": "Pages are counted from 1.",
            "invalid": "Pages are counted in whole numbers.",
        },
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {section.pk: section for section in sections}
        self.fields["section"].choices = [("", "All sections")] + [(section.pk, section.title) for section in sections]
        self.fields["section"].error_messages["invalid_choice"] = "That section does not exist (any more)."

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if text and not selectors.query_terms(text):
            raise forms.ValidationError("Type a word to search for: punctuation and symbols alone find nothing.")
        return text

    def clean_author(self) -> str | None:
        """An author's name as the reader typed it (any case), or the slug a link carries."""
        name = self.cleaned_data["author"].strip()
        if not name:
            return None
        author = Author.objects.filter(Q(slug=name) | Q(name__iexact=name)).order_by("pk").only("slug").first()
        if author is None:
            raise forms.ValidationError(f"No author is called “{name}”: check the spelling.")
        return author.slug

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def search_query(self) -> selectors.SearchQuery | None:
        """The query to run, or None when the reader typed no words yet."""
        terms = selectors.query_terms(self.cleaned_data.get("q") or "")
        if not terms:
            return None
        return selectors.SearchQuery(
            terms=terms,
            match_any=self.cleaned_data.get("match") == "any",
            section=self.sections.get(self.cleaned_data.get("section")),
            author_slug=self.cleaned_data.get("author"),
            since=self.cleaned_data.get("since"),
            until=self.cleaned_data.get("until"),
            newest_first=self.cleaned_data.get("order") == "newest",
        )
