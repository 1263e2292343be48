"""Donations (issue 11): one row per attempt to give, the webhooks that told us about it,
and each site's donation settings.

A donation's state moves only through `services.donation_transition`, which refuses the
moves `TRANSITIONS` does not list; the database refuses unknown states, amounts that are
not positive, currencies Masthead does not take, and a completed or refunded donation
without the provider's capture id.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from masthead.donations.forms import DonationSettingsForm

# Currencies with two decimal places that PayPal takes. Zero-decimal currencies (JPY, HUF,
# TWD) are not supported: every amount here has exactly two places (issue 11).
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "CHF": "CHF "}
MAX_AMOUNT_DIGITS = 10


class Currency(models.TextChoices):
    USD = "USD", "US dollar"
    EUR = "EUR", "Euro"
    GBP = "GBP", "Pound sterling"
    CAD = "CAD", "Canadian dollar"
    AUD = "AUD", "Australian dollar"
    CHF = "CHF", "Swiss franc"


class DonationState(models.TextChoices):
    CREATED = "created", "Created (waiting for the reader at PayPal)"
    APPROVED = "approved", "Approved (being captured)"
    PENDING = "pending", "Pending (the money may still come)"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    REFUNDED = "refunded", "Refunded"
    # Not in the list: an order nobody approved within a day (reconcile), so the
    # admin's "open" list does not grow forever. Money arriving later still completes it.
    ABANDONED = "abandoned", "Abandoned"


S = DonationState
# Every legal move. A declined capture may be retried at PayPal with another card, so
# declined goes back to approved; refunded is final, so a late or replayed "completed"
# never resurrects a refunded donation.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.APPROVED, S.PENDING, S.COMPLETED, S.DECLINED, S.ABANDONED}),
    S.APPROVED: frozenset({S.PENDING, S.COMPLETED, S.DECLINED, S.ABANDONED}),
    S.PENDING: frozenset({S.COMPLETED, S.DECLINED, S.REFUNDED}),
    S.DECLINED: frozenset({S.APPROVED, S.PENDING, S.COMPLETED}),
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.ABANDONED: frozenset({S.PENDING, S.COMPLETED}),
}
# The timestamp each state sets when it is entered.
STATE_TIMESTAMPS = {
    S.APPROVED: "approved_at",
    S.PENDING: "pending_at",
    S.COMPLETED: "completed_at",
    S.DECLINED: "declined_at",
    S.REFUNDED: "refunded_at",
    S.ABANDONED: "abandoned_at",
}


def format_money(amount: Decimal, currency: str) -> str:
    """ "€3,200" or "$25.50": whole amounts without cents, as readers write them."""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{symbol}{amount:,.{places}f}"


class Donation(models.Model):
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=MAX_AMOUNT_DIGITS, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="Where the receipt goes.")
    message = models.CharField(max_length=500, blank=True, help_text="A public message from the donor.")
    anonymous = models.BooleanField(default=False)
    provider = models.CharField(max_length=20, default="paypal")
    provider_order_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    capture_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    approve_url = models.URLField(max_length=500, blank=True, help_text="Where the reader approves (or retries).")
    state = models.CharField(max_length=20, choices=DonationState.choices, default=DonationState.CREATED)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    pending_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("view_donations", "Can see donations, their totals and export them")]
        indexes = [models.Index(fields=["state", "created_at"], name="donation_state_created")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DonationState.values), name="donation_state_known"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(condition=Q(currency__in=CURRENCIES), name="donation_currency_known"),
            models.CheckConstraint(
                condition=~Q(state__in=[DonationState.COMPLETED, DonationState.REFUNDED])
                | (Q(capture_id__isnull=False) & ~Q(capture_id="")),
                name="donation_paid_has_capture",
            ),
        ]

    def __str__(self):
        return f"{format_money(self.amount, self.currency)} ({self.get_state_display()})"

    @property
    def display_amount(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def public_name(self) -> str:
        return "Anonymous" if self.anonymous or not self.name else self.name


class WebhookEvent(models.Model):
    """Every verified notification, kept as it came. The unique event id is the
    de-duplication: a replay's insert fails in the same transaction as its state change."""

    provider = models.CharField(max_length=20, default="paypal")
    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=100)
    raw = models.TextField(help_text="The body exactly as received.")
    donation = models.ForeignKey(Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class GoalPeriod(models.TextChoices):
    MONTH = "month", "This month"


def _presets_valid(value: str) -> None:
    for part in value.split():
        try:
            if Decimal(part) <= 0 or Decimal(part).as_tuple().exponent < -2:
                raise ValueError
        except (ArithmeticError, ValueError):
            raise ValidationError(f"“{part}” is not an amount (e.g. 5 10 25).") from None


@register_setting(icon="pick")
class DonationSettings(ClusterableModel, BaseSiteSetting):
    enabled = models.BooleanField(default=True, help_text="Show the donate box and take donations.")
    box_title = models.CharField(max_length=100, default="Support independent journalism")
    box_text = models.CharField(
        max_length=300, blank=True, default="Readers like you keep this newsroom going. Every amount helps."
    )
    quick_amount = models.DecimalField(
        max_digits=MAX_AMOUNT_DIGITS, decimal_places=2, default=Decimal("10"), validators=[MinValueValidator(1)]
    )
    quick_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    goal_amount = models.DecimalField(
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty: no campaign progress bar.",
    )
    goal_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    goal_period = models.CharField(max_length=10, choices=GoalPeriod.choices, default=GoalPeriod.MONTH)
    goal_label = models.CharField(max_length=100, default="this month")
    receipt_text = models.TextField(
        default="Thank you for supporting our journalism. This is your receipt; keep it for your records.",
        help_text="The opening of the receipt mail. Plain text.",
    )

    panels = [
        FieldPanel("enabled"),
        MultiFieldPanel([FieldPanel("box_title"), FieldPanel("box_text")], heading="Donate box"),
        MultiFieldPanel([FieldPanel("quick_amount"), FieldPanel("quick_currency")], heading="Quick donate"),
        MultiFieldPanel(
            [
                FieldPanel("goal_amount"),
                FieldPanel("goal_currency"),
                FieldPanel("goal_period"),
                FieldPanel("goal_label"),
            ],
            heading="Campaign goal",
        ),
        FieldPanel("receipt_text"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(panels, heading="Donations"),
            ObjectList(
                [InlinePanel("currency_options", label="Currency")],
                heading="Currencies",
                help_text="None listed: USD, EUR and GBP, 5 to 100 each.",
            ),
            ObjectList([HelpPanel(template="donations/admin/provider_status.html")], heading="Payment provider"),
        ],
        base_form_class=DonationSettingsForm,
    )

    class Meta:
        verbose_name = "donation settings"
        verbose_name_plural = "donation settings"

    def __str__(self):
        return "Donation settings"

    def clean(self):
        # The quick donate button takes its amount from here and start() checks it like a
        # reader's: outside what readers may give, every press would be answered 400.
        from masthead.donations.selectors import currency_rules

        super().clean()
        rules = currency_rules(self)
        rule = rules.get(self.quick_currency)
        if rule is None:
            raise ValidationError(
                {
                    "quick_currency": f"Readers may give in {', '.join(rules)}: choose one, or add this one under Currencies."
                }
            )
        if self.quick_amount is not None and not rule.minimum <= self.quick_amount <= rule.maximum:
            raise ValidationError(
                {"quick_amount": f"Choose an amount from {rule.minimum:,.2f} to {rule.maximum:,.2f} {rule.currency}."}
            )


class CurrencyOption(Orderable):
    """A currency readers may give in, with its bounds and preset buttons."""

    settings = ParentalKey(DonationSettings, on_delete=models.CASCADE, related_name="currency_options")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    minimum = models.DecimalField(max_digits=MAX_AMOUNT_DIGITS, decimal_places=2, default=Decimal("5"))
    maximum = models.DecimalField(max_digits=MAX_AMOUNT_DIGITS, decimal_places=2, default=Decimal("100"))
    presets = models.CharField(
        max_length=100, default="5 10 25 50 100", validators=[_presets_valid], help_text="Amounts, space-separated."
    )

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["settings", "currency"], name="donation_currency_once"),
            models.CheckConstraint(condition=Q(minimum__gt=0), name="donation_currency_minimum_positive"),
            models.CheckConstraint(condition=Q(maximum__gte=models.F("minimum")), name="donation_currency_range"),
        ]

    def __str__(self):
        return self.currency

    def clean(self):
        if self.minimum is not None and self.maximum is not None and self.maximum < self.minimum:
            raise ValidationError({"maximum": "The maximum must not be below the minimum."})
