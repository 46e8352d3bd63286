"""Forms of the reseller pages. They shape input; the rules stay in orders.cashin, orders.payin."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.cashin import submit as cashin
from orders.errors import OrderError
from orders.models import OrderStatus, PayIn
from orders.numbers import normalize_amount, normalize_mobile_number
from orders.querystring import date_in_range
from panel.templatetags.panel_tags import taka


def show_error(form: forms.Form, error: OrderError) -> None:
    """Put a service's error on the field it names, or on the form when it names none."""
    placed = False
    for name, messages in (getattr(error, "field_errors", None) or {}).items():
        target = name if name in form.fields else None
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target, str(message))
        placed = placed or target is not None
    if error.field in form.fields:
        form.add_error(error.field, error.message)
    elif not placed:
        form.add_error(None, error.message)


def _service_clean(function, value):
    try:
        return function(value)
    except OrderError as error:
        raise forms.ValidationError(error.message) from None


class CashInForm(forms.Form):
    receiver_number = forms.CharField(
        label=_("Receiver bKash number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "01XXXXXXXXX"}
        ),
    )
    amount = forms.CharField(
        label=_("Amount (৳)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, reseller, **kwargs):
        super().__init__(*args, **kwargs)
        self.reseller = reseller
        self.fields["amount"].help_text = _("Between %(min)s and %(max)s.") % {
            "min": taka(reseller.cashin_min),
            "max": taka(reseller.cashin_max),
        }

    def clean_receiver_number(self):
        return _service_clean(normalize_mobile_number, self.cleaned_data["receiver_number"])

    def clean_amount(self):
        return _service_clean(normalize_amount, self.cleaned_data["amount"])

    def clean(self):
        cleaned = super().clean()
        if "amount" in cleaned:
            try:
                # The same limits and balance check cashin_submit runs, shown before confirming.
                cashin.cashin_check_can_send(reseller=self.reseller, amount=cleaned["amount"])
            except OrderError as error:
                show_error(self, error)
        return cleaned


class CashInConfirmForm(CashInForm):
    client_reference = forms.CharField(max_length=64, widget=forms.HiddenInput)
    # Asked only when the same receiver got the same amount a few minutes ago (see the view).
    repeat_confirmed = forms.BooleanField(
        label=_("Yes, send the same amount to this number again"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver_number"].widget = forms.HiddenInput()
        self.fields["amount"].widget = forms.HiddenInput()

    def clean(self):
        # Limits are checked again, under lock, by cashin_submit itself.
        return forms.Form.clean(self)

    def make_editable(self) -> None:
        """Show the number and amount again, to correct them after a refused submit."""
        for name in ("receiver_number", "amount"):
            self.fields[name].widget = copy.deepcopy(CashInForm.base_fields[name].widget)


class DateRangeForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_in_range],
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_in_range],
    )  # fmt: skip

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class OrderFilterForm(DateRangeForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + OrderStatus.choices
    )
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": _("Receiver, reference or order number"), "type": "search"}
        ),
    )
    field_order = ["search", "status", "date_from", "date_to"]


class PayInForm(forms.Form):
    wallet_provider = forms.ChoiceField(
        label=_("Pay with"),
        choices=PayIn.WalletProvider.choices,
        initial=PayIn.WalletProvider.BKASH,
        widget=forms.RadioSelect,
    )
    mobile_number = forms.CharField(
        label=_("Payer's mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "01XXXXXXXXX"}),
    )
    email = forms.CharField(label=_("Payer's email"), max_length=254, widget=forms.EmailInput())
    customer_name = forms.CharField(label=_("Payer's name"), max_length=100)
    amount = forms.CharField(
        label=_("Amount (৳)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    # Fixed when the form is shown: posting it twice creates one PayIn.
    external_id = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_mobile_number(self):
        return _service_clean(normalize_mobile_number, self.cleaned_data["mobile_number"])

    def clean_amount(self):
        return _service_clean(normalize_amount, self.cleaned_data["amount"])
