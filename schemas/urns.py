"""SCIM schema URNs (RFC 7643 §8.7, RFC 7644 §3) and the legacy ones identity providers still send."""

from __future__ import annotations

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"

# Microsoft Entra ID declares this beside the core Group URN when it creates a group
# (other-idps.md, Entra): an IdP's own schema, which a server may ignore or refuse (RFC 7643 §3).
ENTRA_ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

# What OneLogin's default template and older connectors send instead of the RFC URNs
# (onelogin-profile.md, "Templates"). Servers normalise them on the way in.
LEGACY_USER = ("urn:scim:schemas:core:2.0", "urn:scim:schemas:core:1.0")
LEGACY_ENTERPRISE_USER = (
    "urn:scim:schemas:extension:enterprise:2.0",
    "urn:scim:schemas:extension:enterprise:1.0",
)
