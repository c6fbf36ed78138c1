"""The Driver protocol, as the engine and the drivers import it.

It is defined beside the step types (``clerkdesk.recipe.driver``), because it is the contract the steps speak;
this module re-exports it so adapters can say ``from clerkdesk.engine.driver import Driver``.
"""

from clerkdesk.recipe.driver import (
    Condition,
    Driver,
    DriverContext,
    DriverError,
    Locator,
    ReadSpec,
    SystemUnavailable,
)

__all__ = ["Condition", "Driver", "DriverContext", "DriverError", "Locator", "ReadSpec", "SystemUnavailable"]
