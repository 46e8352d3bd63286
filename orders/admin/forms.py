from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from orders.api.callback_urls import WebhookSettingsError, check_callback_url
from orders.errors import SubResellerRefused
from orders.numbers import CENT
from orders.wallet.tree import LIMITS, check_limits, check_range, fitted_limits


class ReasonForm(forms.Form):
    """The reason a staff member gives for a decision; it is stored with the decision."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        strip=True,
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class AdjustBalanceForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (BDT)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Positive to credit the wallet, negative (e.g. -500) to debit it."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment cannot be zero."))
        return amount.quantize(CENT)


class ResellerCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    email = forms.EmailField(label=_("Email"), required=False)
    opening_balance = forms.DecimalField(
        label=_("Opening balance (BDT)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        required=False,
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with this username already exists."))
        return username

    def clean_opening_balance(self) -> Decimal:
        return (self.cleaned_data.get("opening_balance") or Decimal("0")).quantize(CENT)


class ResellerChangeForm(forms.ModelForm):
    """The reseller's change page: a callback URL set by staff obeys the Developer page's rule,
    and a sub-reseller's limits the tree's (no wider than its parent's; empty: the parent's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.parent_id is not None:
            for name in LIMITS:
                if name in self.fields:
                    self.fields[name].help_text = _("Empty: the parent's limit")

    def clean(self):
        cleaned = super().clean()
        parent = self.instance.parent
        edited = [name for name in LIMITS if name in self.changed_data]
        if not edited:
            return cleaned
        try:
            if parent is None:
                check_range({name: cleaned.get(name) for name in LIMITS})
                return cleaned
            # The limits not edited as the save leaves them: narrowed to the parent's if wider.
            limits = {**fitted_limits(parent, self.instance), **{n: cleaned.get(n) for n in edited}}
            chosen = check_limits(parent, limits, staff=True)
        except SubResellerRefused as refused:
            self.add_error(refused.field, refused.message)
        else:
            cleaned.update({name: chosen[name] for name in edited})
        return cleaned

    def clean_callback_url(self) -> str:
        url = self.cleaned_data.get("callback_url") or ""
        if url:
            try:
                check_callback_url(url)
            except WebhookSettingsError as error:
                raise forms.ValidationError(error.message) from None
        return url
