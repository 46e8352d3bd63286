"""Staff logins (and failed attempts on staff usernames) go to the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from orders.staff.audit import Action, record


@receiver(user_logged_in, dispatch_uid="audit_staff_login")
def audit_staff_login(sender, request, user, **kwargs):
    if user.is_staff:
        record(user, Action.STAFF_LOGIN, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_staff_login_failed")
def audit_staff_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    staff = get_user_model().objects.filter(username=username, is_staff=True).first()
    if staff is not None:  # resellers' typos would only bury the entries that matter
        record(None, Action.STAFF_LOGIN_FAILED, target=staff, details={"username": username},
               request=request)  # fmt: skip
