"""A status changes only inside `orders.lifecycle.transition`.

`StatusField` refuses an assignment to a saved row's status, and `GuardedQuerySet` refuses
`.update(status=…)` and `bulk_update` of the status, unless `status_writes()` is active — which
only `transition` (and loading a row from the database) turns on. New, unsaved rows may be
built with any status (factories, fixtures): their history starts where they start.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import models
from django.db.models.query_utils import DeferredAttribute

_allowed = contextvars.ContextVar("status_writes_allowed", default=False)


class StatusWriteError(RuntimeError):
    pass


@contextmanager
def status_writes():
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def _refuse(what: str) -> None:
    if not _allowed.get():
        raise StatusWriteError(f"{what}: a status changes only through lifecycle.transition()")


class _StatusAttribute(DeferredAttribute):
    def __set__(self, instance, value) -> None:
        attname = self.field.attname
        state = instance.__dict__.get("_state")
        saved = state is not None and not state.adding
        if saved and attname in instance.__dict__ and instance.__dict__[attname] != value:
            _refuse(f"{type(instance).__name__}.{attname} = {value!r}")
        instance.__dict__[attname] = value


class StatusField(models.CharField):
    descriptor_class = _StatusAttribute


class GuardedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "status" in kwargs:
            _refuse(f"{self.model.__name__}.objects.update(status=…)")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "status" in fields:
            _refuse(f"{self.model.__name__}.objects.bulk_update(…, ['status'])")
        return super().bulk_update(objs, fields, *args, **kwargs)


class GuardedStatusModel(models.Model):
    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def refresh_from_db(self, *args, **kwargs):
        with status_writes():  # the database's value is, by definition, a transition's result
            super().refresh_from_db(*args, **kwargs)
