"""A synthetic country at full size in PostgreSQL, bulk-loaded with COPY: `manage.py seed_scale`.

`load` runs the phases; `people`, `cases` and `journeys` make the rows (registers and accounts,
applications with their history, the last year's births and marriages with their journeys);
`answers` the applications' form data; `writer` commits batches in a
thread; `tables` takes indexes off the big tables and builds them again; `ledger` keeps the
progress that makes a load resumable; `meter` shows it; `text` writes COPY values.
"""
