"""The reseller login view: ThrottledLoginForm, 429 when held back, known-browser cookie."""

from django.contrib.auth import views as auth_views

from panel.security.login import ThrottledLoginForm, remember_browser, throttled_status


class PanelLoginView(auth_views.LoginView):
    authentication_form = ThrottledLoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_browser(self.request, response)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        throttled_status(response, form)
        return response
