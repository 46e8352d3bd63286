from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Where the key is used, e.g. 'shop server'.")
    )


class CallbackUrlForm(forms.Form):
    callback_url = forms.CharField(
        label=_("Callback URL"),
        max_length=500,
        required=False,
        help_text=_("We POST each final order status here. Leave empty to stop webhooks."),
    )
    payin_events = forms.BooleanField(
        label=_("Also when an Add funds payment (PayIn) becomes final"),
        required=False,
    )
    payin_events_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def payins_choice(self) -> bool | None:
        """The checkbox's answer, or None when the POST did not come from the page's form (an
        absent checkbox would otherwise read as "off")."""
        shown = self.cleaned_data.get("payin_events_shown")
        return self.cleaned_data["payin_events"] if shown else None
