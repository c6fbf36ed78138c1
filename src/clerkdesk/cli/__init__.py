"""The ``clerkdesk`` command line: a shell over the application layer (``clerkdesk.desk``).

``root`` holds the group, its global options and the profile/audit/store commands; ``run`` filling and
resuming; ``workbench`` the recipe author's tools; ``capture`` reading a document; ``window`` the Qt app and
the demo; ``inputs`` the JSON input files. Every command goes through ``Desk``: none reaches into the store.
"""

from clerkdesk.cli.root import Ctx, hoist_global_options, main, pass_ctx

__all__ = ["Ctx", "hoist_global_options", "main", "pass_ctx"]
