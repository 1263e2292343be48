"""Reads for donations: a site's currency rules, the campaign's progress, the admin's totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDay, TruncMonth
from django.utils import timezone

from masthead.donations.models import Donation, DonationSettings, DonationState, format_money
from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory

DEFAULT_CURRENCIES = ("USD", "EUR", "GBP")
DEFAULT_MINIMUM, DEFAULT_MAXIMUM = Decimal("5"), Decimal("100")
DEFAULT_PRESETS = tuple(Decimal(p) for p in ("5", "10", "25", "50", "100"))
# Money that arrived: a refunded donation is not counted anywhere.
PAID_STATES = (DonationState.COMPLETED,)


@dataclass(frozen=True)
class CurrencyRule:
    currency: str
    minimum: Decimal
    maximum: Decimal
    presets: tuple[Decimal, ...]

    @property
    def default_amount(self) -> Decimal:
        """The preset in the middle: what the slider starts at."""
        return self.presets[len(self.presets) // 2] if self.presets else self.minimum

    def slider_step(self) -> str:
        return "1" if self.minimum == self.minimum.to_integral_value() else "0.01"


def currency_rules(settings: DonationSettings) -> dict[str, CurrencyRule]:
    """The currencies readers may give in, in the editor's order; USD, EUR and GBP from
    5 to 100 when the editor listed none."""
    options = list(settings.currency_options.all()) if settings.pk else []
    if not options:
        return {
            code: CurrencyRule(code, DEFAULT_MINIMUM, DEFAULT_MAXIMUM, DEFAULT_PRESETS) for code in DEFAULT_CURRENCIES
        }
    rules = {}
    for option in options:
        presets = tuple(
            amount
            for amount in (Decimal(part) for part in option.presets.split())
            if option.minimum <= amount <= option.maximum
        )
        rules[option.currency] = CurrencyRule(option.currency, option.minimum, option.maximum, presets)
    return rules


# Each worker keeps a site's donation settings and currency rules until a purge of
# everything (which any change to them makes: invalidation.py).
_settings_by_site = WorkerMemory("donation-settings", max_entries=20)


@dataclass(frozen=True)
class SiteDonations:
    settings: DonationSettings
    rules: dict[str, CurrencyRule]

    @property
    def first_currency(self) -> str:
        """The currency the donate box and page open in: the campaign goal's when there
        is a goal (a box reading "€295 of €5,000" must not ask for dollars), else the
        quick-donate one, when readers may give in it; else the editor's first."""
        wanted = (self.settings.goal_currency,) if self.settings.goal_amount else ()
        for currency in (*wanted, self.settings.quick_currency):
            if currency in self.rules:
                return currency
        return next(iter(self.rules))


def site_donations(site, *, request=None) -> SiteDonations:
    def build():
        settings = DonationSettings.for_site(site)
        return SiteDonations(settings, currency_rules(settings))

    return fragments.remember(_settings_by_site, site.pk, build, keys={cache_keys.SITE}, request=request)


def month_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Progress:
    raised: Decimal
    goal: Decimal
    currency: str
    label: str

    @property
    def text(self) -> str:
        return f"{format_money(self.raised, self.currency)} of {format_money(self.goal, self.currency)} {self.label}"

    @property
    def percent(self) -> int:
        return min(100, int(self.raised * 100 / self.goal)) if self.goal else 0


def campaign_progress(*, site_id: int, settings: DonationSettings, now: datetime | None = None) -> Progress | None:
    """What this month's completed donations in the goal's currency add up to; None
    without a goal. One aggregate over (state, completed_at)."""
    if not settings.goal_amount:
        return None
    raised = Donation.objects.filter(
        site_id=site_id,
        state__in=PAID_STATES,
        currency=settings.goal_currency,
        completed_at__gte=month_start(now or timezone.now()),
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return Progress(raised, settings.goal_amount, settings.goal_currency, settings.goal_label)


def totals(queryset, *, by: str) -> list[dict]:
    """Paid donations grouped by day or month and currency: count and sum, newest first."""
    trunc = TruncDay("completed_at") if by == "day" else TruncMonth("completed_at")
    return list(
        queryset.filter(state__in=PAID_STATES)
        .annotate(period=trunc)
        .values("period", "currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("-period", "currency")
    )


def monthly_series(*, months: int, now: datetime | None = None) -> dict[str, list[tuple[str, Decimal]]]:
    """Per currency, the paid total of each of the last `months` months (oldest first)."""
    now = timezone.localtime(now or timezone.now())
    starts = []
    year, month = now.year, now.month
    for _ in range(months):
        starts.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    first = now.replace(year=starts[0][0], month=starts[0][1], day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = totals(Donation.objects.filter(completed_at__gte=first), by="month")
    series: dict[str, dict[tuple[int, int], Decimal]] = {}
    for row in rows:
        period = timezone.localtime(row["period"]) if timezone.is_aware(row["period"]) else row["period"]
        series.setdefault(row["currency"], {})[(period.year, period.month)] = row["total"]
    return {
        currency: [(f"{datetime(y, m, 1):%b %Y}", by_month.get((y, m), Decimal("0"))) for y, m in starts]
        for currency, by_month in sorted(series.items())
    }


def currency_totals(queryset) -> list[dict]:
    """Paid donations per currency over the whole (filtered) list."""
    return list(
        queryset.filter(state__in=PAID_STATES)
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("currency")
    )
