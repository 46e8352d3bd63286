"""Forms of the sub-reseller pages; the rules stay in orders.wallet.tree and transfers."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import RatePlan, Transfer
from orders.numbers import normalize_amount
from panel.forms import _service_clean


class SubResellerForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    name = forms.CharField(label=_("Shop or person's name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    max_amount = forms.CharField(label=_("Largest Cash In (৳)"), max_length=20, required=False)
    daily_limit = forms.CharField(label=_("Daily limit (৳)"), max_length=20, required=False)

    def clean_max_amount(self):
        value = self.cleaned_data["max_amount"]
        return _service_clean(normalize_amount, value) if value else None

    def clean_daily_limit(self):
        value = self.cleaned_data["daily_limit"]
        return _service_clean(normalize_amount, value) if value else None


class TransferForm(forms.Form):
    amount = forms.CharField(label=_("Amount (৳)"), max_length=20)
    direction = forms.ChoiceField(label=_("Direction"), choices=Transfer.Direction.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    # Fixed when the form is shown: posting it twice moves the balance once.
    reference = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"reference": "PANEL-" + secrets.token_hex(8)})
        super().__init__(*args, **kwargs)

    def clean_amount(self):
        return _service_clean(normalize_amount, self.cleaned_data["amount"])


class ChildPlanForm(forms.Form):
    """The plans a parent may give a child: those costing at least its own (orders.wallet.tree)."""

    rate_plan = forms.ModelChoiceField(
        label=_("Rate plan"), queryset=RatePlan.objects.none(), required=False,
        empty_label=_("No plan (no fee)"),
    )  # fmt: skip

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_plan"].queryset = RatePlan.objects.filter(pk__in=[p.pk for p in plans])
