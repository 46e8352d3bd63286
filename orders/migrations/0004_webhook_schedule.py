from django.db import migrations


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="deliver-webhooks",
        defaults={
            "func": "orders.webhooks.deliver_due_webhooks_task",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="deliver-webhooks").delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_receiver_search_index")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
