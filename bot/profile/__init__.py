"""Customer profiles: identity, devices, behaviour and the tags answers and tiers select on.

Typical use in the gateway, once per inbound message::

    profiles = ProfileService(db, settings)   # at start-up; then profiles.warm_up()
    profile = profiles.resolve_customer(channel, sender, inbound.metadata)
    profile.tags            # e.g. ["member_gold", "in_warranty", "owner_raptor"]
    profile.summary()       # JSON for the handoff context package
"""

from bot.profile.binding import BindingService, BindResult, CodeRequest
from bot.profile.crm import CrmAdapter, CrmUnavailable, DatabaseCrm, HttpCrm, make_crm
from bot.profile.entry import Entry, Greetings, personalise_entry, series_names
from bot.profile.profile import Behaviour, CustomerProfile, build_profile, member_label
from bot.profile.records import CustomerRecord, DeviceRecord, OrderRecord
from bot.profile.seed import seed_customers
from bot.profile.service import ProfileService
from bot.profile.token import issue_customer_token, verify_customer_token

__all__ = [
    "Behaviour",
    "BindResult",
    "BindingService",
    "CodeRequest",
    "CrmAdapter",
    "CrmUnavailable",
    "CustomerProfile",
    "CustomerRecord",
    "DatabaseCrm",
    "DeviceRecord",
    "Entry",
    "Greetings",
    "HttpCrm",
    "OrderRecord",
    "ProfileService",
    "build_profile",
    "issue_customer_token",
    "make_crm",
    "member_label",
    "personalise_entry",
    "seed_customers",
    "series_names",
    "verify_customer_token",
]
