from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from orders.polling.worker_stop import watch_sigint
        from orders.staff import signals  # noqa: F401  (connects the login audit receivers)

        post_spawn.connect(watch_sigint, dispatch_uid="orders-worker-sigint")
