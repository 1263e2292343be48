"""The audience dashboard in the Wagtail admin: views over time as a chart (the site, a
section, an author or an article), top articles, referrer domains and ad counts for a
chosen period, each table also as CSV. Mounted by wagtail_hooks.py under the admin,
which asks for a signed-in admin user; the view asks for `analytics.view_reports`.

Not cached: the admin never is. Bad input never fails the page: the form shows its
errors and the reports fall back to the last month.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from masthead.analytics import charts, reports

VIEW_REPORTS = "analytics.view_reports"
LONGEST_SPAN_DAYS = 2 * 366
EARLIEST_DAY = date(1970, 1, 1)
EXPORTS = ("views", "top", "referrers", "ads")


class Period:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CUSTOM = "custom"
    CHOICES = [
        (DAY, "Last 24 hours"),
        (WEEK, "Last 7 days"),
        (MONTH, "Last 30 days"),
        (YEAR, "Last 365 days"),
        (CUSTOM, "From … to …"),
    ]
    DAYS = {DAY: 1, WEEK: 7, MONTH: 30, YEAR: 365}


class Scope:
    SITE = "site"
    SECTION = "section"
    AUTHOR = "author"
    ARTICLE = "article"
    CHOICES = [(SITE, "The whole site"), (SECTION, "A section"), (AUTHOR, "An author"), (ARTICLE, "An article")]


class ReportForm(forms.Form):
    period = forms.ChoiceField(choices=Period.CHOICES, initial=Period.MONTH, required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    chart = forms.ChoiceField(choices=Scope.CHOICES, initial=Scope.SITE, required=False, label="Chart of")
    section = forms.ModelChoiceField(queryset=None, required=False)
    author = forms.ModelChoiceField(queryset=None, required=False)
    article = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The article's id (its number in the admin's address).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = apps.get_model("news.SectionPage").objects.live().order_by("title")
        self.fields["author"].queryset = apps.get_model("news.Author").objects.order_by("name")

    def clean(self):
        data = super().clean()
        period = data.get("period") or Period.MONTH
        data["period"] = period
        if period == Period.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Give both dates of the custom period.")
            if start > end:
                raise forms.ValidationError("The period's start comes after its end.")
            # Counts are kept by the hour since 1970; far-off dates would also overflow
            # the date arithmetic of the reports (a day before 0001-01-01, after 9999-12-31).
            latest = timezone.now().date() + timedelta(days=366)
            if start < EARLIEST_DAY or end > latest:
                raise forms.ValidationError(f"Choose days from {EARLIEST_DAY:%Y-%m-%d} to {latest:%Y-%m-%d}.")
            if (end - start).days >= LONGEST_SPAN_DAYS:
                raise forms.ValidationError(f"A period of at most {LONGEST_SPAN_DAYS} days.")
        chart = data.get("chart") or Scope.SITE
        data["chart"] = chart
        if chart != Scope.SITE and not data.get(chart):
            self.add_error(chart, f"Choose the {chart} to chart.")
        return data


def span_of(data: dict) -> reports.Span:
    today = timezone.now().date()
    if data["period"] == Period.CUSTOM:
        return reports.Span(data["start"], data["end"])
    if data["period"] == Period.YEAR:
        return reports.year_span(today)
    return reports.Span(today - timedelta(days=Period.DAYS[data["period"]] - 1), today)


DEFAULTS = {"period": Period.MONTH, "chart": Scope.SITE}


class AudienceDashboardView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "Audience"
    header_icon = "view"
    template_name = "analytics/admin/dashboard.html"

    def get_breadcrumbs_items(self):
        # Wagtail's default is "Home" alone, which the header then shows as this page's name.
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def setup(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_REPORTS):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = ReportForm(request.GET or None)
        data = form.cleaned_data if form.is_valid() else DEFAULTS
        span = span_of(data)
        # A chart of a day is one point: it shows the week up to it instead.
        chart_span = (
            span if (span.last - span.first).days >= 6 else reports.Span(span.last - timedelta(days=6), span.last)
        )
        last_24_hours = data["period"] == Period.DAY
        # Referrers are counted by the day: "the last 24 hours" of them is today and yesterday.
        referrer_span = reports.Span(span.last - timedelta(days=1), span.last) if last_24_hours else span
        scope = data["chart"]
        chosen = data.get(scope) if scope != Scope.SITE else None
        series = reports.views_over_time(
            chart_span,
            section_id=chosen.pk if scope == Scope.SECTION else None,
            author_id=chosen.pk if scope == Scope.AUTHOR else None,
            page_id=chosen if scope == Scope.ARTICLE else None,
        )
        tables = {
            "views": lambda: reports.views_table(series),
            "top": lambda: reports.kept("top", span, lambda: reports.top_articles(span, last_24_hours=last_24_hours)),
            "referrers": lambda: reports.kept(
                "referrers", referrer_span, lambda: reports.referrer_domains(referrer_span)
            ),
            "ads": lambda: reports.kept(
                "ads" if not last_24_hours else "ads-24h",
                span,
                lambda: reports.ad_counts(span, last_24_hours=last_24_hours),
            ),
        }
        export = request.GET.get("export")
        if export in tables:
            response = HttpResponse(tables[export]().as_csv(), content_type="text/csv; charset=utf-8")
            filename = f"audience-{export}-{chart_span.first if export == 'views' else span.first}-{span.last}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        title = _chart_title(scope, chosen)
        context = self.get_context_data(
            form=form,
            span=span,
            last_24_hours=last_24_hours,
            referrer_span=referrer_span,
            chart_span=chart_span,
            chart=charts.views_chart(series, title=title),
            chart_title=title,
            total_views=sum(views for _, views in series),
            top=tables["top"](),
            referrers=tables["referrers"](),
            ads=tables["ads"](),
            query=_query_without_export(request),
        )
        return self.render_to_response(context)


def _chart_title(scope: str, chosen) -> str:
    if scope == Scope.SITE:
        return "Views per day, whole site"
    if scope == Scope.ARTICLE:
        page = apps.get_model("wagtailcore.Page").objects.filter(pk=chosen).only("title").first()
        return f"Views per day of “{page.title if page else f'page {chosen}'}”"
    return f"Views per day, {scope} {chosen}"


def _query_without_export(request) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    return query.urlencode()
