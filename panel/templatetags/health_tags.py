"""The banner resellers see while a provider's breaker is open (read from the database,
cached briefly by orders.submission.breaker; never asks a provider)."""

from django import template
from django.utils.translation import gettext as _

from orders.submission.breaker import open_providers

register = template.Library()


@register.simple_tag
def provider_delays() -> list[str]:
    delayed = open_providers()
    messages = {
        "nictbd": _("bKash Cash In is delayed; your orders are queued."),
        "trustedpay": _("Adding funds is delayed; your payments are queued."),
    }
    return [text for provider, text in messages.items() if provider in delayed]
