from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("connections", "0003_pin_member_statistics")]

    operations = [
        migrations.RemoveField(model_name="invitation", name="token_hash"),
        migrations.AddField(
            model_name="invitation",
            name="nonce",
            field=models.CharField(max_length=32, unique=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(
                blank=True, help_text="When the e-mail went out.", null=True
            ),
        ),
    ]
