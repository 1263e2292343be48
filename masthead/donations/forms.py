"""The donation settings' admin form."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm


class DonationSettingsForm(WagtailAdminModelForm):
    def _post_clean(self):
        # DonationSettings.clean() checks quick donate against the currencies readers may
        # give in. The ones submitted with it stay in the inline formset until save(), so
        # an editor removing the quick currency in the same save would pass unchecked:
        # they go on the instance first, in memory, as modelcluster keeps child rows
        # until the parent is saved (the formset's save replaces them with the same).
        formset = self.formsets.get("currency_options")
        if formset is not None and formset.is_valid():
            self.instance.currency_options = [
                form.instance
                for form in formset.forms
                if (form.instance.pk or form.has_changed()) and not form.cleaned_data.get("DELETE")
            ]
        super()._post_clean()
