"""Donations in the Wagtail admin: the list with filters, totals by day, month and
currency, a chart of the last twelve months (SVG drawn on the server, no script) and a
CSV export. For users with `donations.view_donations`; refunds arrive from PayPal's
webhooks and show here as their state."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta

import pygal
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from pygal.style import Style
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from masthead.analytics.charts import STYLE, static_svg
from masthead.core.spreadsheets import Echo, cell
from masthead.donations import selectors
from masthead.donations.models import Currency, Donation, DonationState

VIEW_DONATIONS = "donations.view_donations"
PER_PAGE = 50
CHART_MONTHS = 12
CSV_FIELDS = [
    "id", "created_at", "state", "amount", "currency", "name", "email", "anonymous", "message",
    "provider", "provider_order_id", "capture_id", "completed_at", "refunded_at", "receipt_sent_at",
]  # fmt: skip


MONEY_STYLE = Style(
    background=STYLE.background,
    plot_background=STYLE.plot_background,
    foreground=STYLE.foreground,
    foreground_strong=STYLE.foreground_strong,
    foreground_subtle=STYLE.foreground_subtle,
    font_family=STYLE.font_family,
    colors=("#2e6b8a", "#a4161a", "#4d7c0f", "#7c3aed", "#b45309", "#0f766e"),  # one per currency
)


# A filter's dates become datetimes a day apart in the site's time zone: near year 1 or
# 9999 that arithmetic overflows. Donations fall well inside these years.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2999, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date from 2000 to 2999."


def _filter_date(label: str) -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        ),
        validators=[
            MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
            MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
        ],
    )


class DonationFilter(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *DonationState.choices], required=False)
    currency = forms.ChoiceField(choices=[("", "Any currency"), *Currency.choices], required=False)
    start = _filter_date("From")
    end = _filter_date("To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("“From” comes after “To”.")
        return data


def filtered(data: dict):
    queryset = Donation.objects.all()
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    if data.get("currency"):
        queryset = queryset.filter(currency=data["currency"])
    zone = timezone.get_current_timezone()
    if data.get("start"):
        queryset = queryset.filter(created_at__gte=datetime.combine(data["start"], time.min, zone))
    if data.get("end"):
        queryset = queryset.filter(created_at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, zone))
    return queryset


def export_csv(queryset) -> StreamingHttpResponse:
    writer = csv.writer(Echo())
    rows = queryset.order_by("pk").values_list(*CSV_FIELDS).iterator(chunk_size=2000)
    lines = (writer.writerow([cell(value) for value in row]) for row in rows)
    response = StreamingHttpResponse(
        (line for part in ([writer.writerow(CSV_FIELDS)], lines) for line in part),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="donations-{timezone.now():%Y-%m-%d}.csv"'
    return response


def money_chart(series: dict[str, list]) -> str:
    chart = pygal.Bar(
        js=(),
        style=MONEY_STYLE,
        title=f"Donations received, last {CHART_MONTHS} months",
        width=900,
        height=320,
        truncate_label=-1,
        disable_xml_declaration=True,
        no_data_text="No donations in these months",
    )
    if series:
        chart.x_labels = [label for label, _ in next(iter(series.values()))]
    for currency, values in series.items():
        chart.add(currency, [float(total) for _, total in values])
    return static_svg(chart, title=f"Donations received per month and currency, last {CHART_MONTHS} months")


class DonationsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "Donations"
    header_icon = "pick"
    template_name = "donations/admin/donations.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def setup(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_DONATIONS):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = DonationFilter(request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        queryset = filtered(data)
        if request.GET.get("export") == "csv":
            return export_csv(queryset)
        page = Paginator(queryset.only(*CSV_FIELDS[:12]), PER_PAGE).get_page(request.GET.get("p"))
        since = timezone.now() - timedelta(days=30)
        query = request.GET.copy()
        query.pop("export", None)
        query.pop("p", None)
        context = self.get_context_data(
            form=form,
            page=page,
            by_day=selectors.totals(queryset.filter(completed_at__gte=since), by="day"),
            by_month=selectors.totals(queryset, by="month")[:36],
            by_currency=selectors.currency_totals(queryset),
            chart=money_chart(selectors.monthly_series(months=CHART_MONTHS)),
            query=query.urlencode(),
        )
        return self.render_to_response(context)
