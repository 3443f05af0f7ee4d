"""The identity providers the harness can be: name → profile, app settings, template and facts.

``--idp okta`` starts a run from Okta's profile instead of OneLogin's; ``--profile``/``--set`` then
change knobs on top of it as before. OneLogin is the default (``SCIM_IDP`` or ``--idp`` pick another;
``all`` is every one, in :data:`simulator.facts.IDPS` order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from simulator.entra import ENTRA, ENTRA_SETTINGS, ENTRA_TEMPLATE
from simulator.facts import FACTS, IDPS, Fact
from simulator.okta import OKTA, OKTA_SETTINGS, OKTA_TEMPLATE
from simulator.profile import ONELOGIN, Profile
from simulator.profile_file import EffectiveProfile
from simulator.settings import AppSettings
from simulator.template import TemplateChoice

__all__ = ["DEFAULT_IDP", "IDP_CHOICES", "IDP_PROFILES", "IdpError", "IdpProfile", "idp_profile", "idp_tags"]

DEFAULT_IDP = "onelogin"
ALL = "all"


class IdpError(ValueError):
    """An unknown IdP name; the message is one line listing the known ones."""


@dataclass(frozen=True, slots=True)
class IdpProfile:
    """One IdP: its tag (scenario tag, fact prefix), name, and the knobs a run starts from."""

    tag: str
    name: str
    profile: Profile
    settings: AppSettings
    template: TemplateChoice

    @property
    def base(self) -> EffectiveProfile:
        """Where a run as this IdP starts: its knobs, none of them set by the run yet."""
        return EffectiveProfile(self.profile, self.settings, self.template)

    def settings_over(self, scenario: AppSettings) -> AppSettings:
        """A scenario's app settings with this IdP's own deprovisioning (Okta never deletes, Entra
        disables on unassign); OneLogin's scenarios keep theirs."""
        if self.tag == DEFAULT_IDP:
            return scenario
        own = self.settings
        return replace(
            scenario,
            deletion_action=own.deletion_action,
            suspension_action=own.suspension_action,
            unassign_action=own.unassign_action,
        )

    @property
    def facts(self) -> list[Fact]:
        """The IdP's facts, in the registry's order."""
        return [f for f in FACTS.values() if f.idp == self.tag]


_NAMES = dict(IDPS)
IDP_PROFILES: dict[str, IdpProfile] = {
    "onelogin": IdpProfile("onelogin", _NAMES["onelogin"], ONELOGIN, AppSettings(), TemplateChoice()),
    "okta": IdpProfile("okta", _NAMES["okta"], OKTA, OKTA_SETTINGS, OKTA_TEMPLATE),
    "entra": IdpProfile("entra", _NAMES["entra"], ENTRA, ENTRA_SETTINGS, ENTRA_TEMPLATE),
}
"""Every IdP by tag, in precedence order."""

IDP_CHOICES: tuple[str, ...] = (*IDP_PROFILES, ALL)
"""What ``--idp`` accepts."""


def idp_profile(tag: str) -> IdpProfile:
    """The IdP called ``tag`` (case-insensitive); :class:`IdpError` naming the known ones."""
    found = IDP_PROFILES.get(tag.strip().lower())
    if found is None:
        raise IdpError(f"{tag!r} is not an IdP the harness knows; use one of {', '.join(IDP_CHOICES)}")
    return found


def idp_tags(values: Iterable[str]) -> tuple[str, ...]:
    """The IdPs ``--idp`` values name, ``all`` expanded and each once, in precedence order;
    the default IdP when there are none. Values may be comma-separated (``SCIM_IDP=okta,entra``)."""
    named = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    if not named:
        return (DEFAULT_IDP,)
    if ALL in named:
        return tuple(IDP_PROFILES)
    wanted = {idp_profile(v).tag for v in named}
    return tuple(t for t in IDP_PROFILES if t in wanted)
