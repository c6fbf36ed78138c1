"""A whole service hall: back-office fill workers on a PostgreSQL job queue, and the supervisor's view.

- ``queue``: the procrastinate app, deferring a case's runs from the front window, the worker's task and its
  clerk (who never sits at the screen: steps that need a person go back to the front as ``needs_clerk``).
- ``report``: today's cases, runs waiting for a person, failed systems, per-system receipts and durations,
  exported as CSV (XLSX when openpyxl is installed).
- ``commands``: ``clerkdesk worker``, ``clerkdesk queue``, ``clerkdesk hall report``.

The front window and the workers share one store (PostgreSQL in a hall, or one SQLite file on one machine) and
its exactly-once machinery: a run's lease and submit state decide what a worker may do, never the queue alone.
"""
