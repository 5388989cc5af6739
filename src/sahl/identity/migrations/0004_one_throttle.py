# One throttle (identity.throttle, ADR 0014): the fixed-window counters of the `limits` library kept
# in one table when no shared cache is configured, in place of the login locks. The locks in force
# are dropped with their table: nobody stays locked out by the old rule.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0003_sms_factor_login_locks'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCount',
            fields=[
                ('key', models.CharField(max_length=200, primary_key=True, serialize=False)),
                ('count', models.PositiveIntegerField(default=0)),
                ('expires_at', models.FloatField(db_index=True, help_text='end of the window, in seconds since the epoch')),
            ],
        ),
        migrations.DeleteModel(
            name='LoginThrottle',
        ),
    ]
