"""The app-side domain of a Cerby-like app: shared accounts, access grants, password rotations."""

from __future__ import annotations

from reference_server.domain.accounts import Accounts
from reference_server.domain.effects import Deprovisioning
from reference_server.domain.observer import observer_router
from reference_server.domain.worker import RotationWorker

__all__ = ["Accounts", "Deprovisioning", "RotationWorker", "observer_router"]
