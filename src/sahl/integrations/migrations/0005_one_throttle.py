# Failed client logins at the token endpoint are counted by the one throttle (identity.throttle,
# ADR 0014) instead of their own table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0004_one_outbox'),
    ]

    operations = [
        migrations.DeleteModel(
            name='TokenThrottle',
        ),
    ]
