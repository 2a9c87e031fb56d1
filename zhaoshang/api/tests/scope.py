"""Object URLs of the api app's pages, for the generic scope check (core/testing.py).

The API's own endpoints take object ids and answer tokens, not sessions; that another
town's project is 404 through every one of them is proven in test_personas.py, another
town's problem, instruction and scheduling report in test_resources.py, another town's
contact, interaction, agreement, trip and campaign in test_relations_api.py and
test_fieldwork_api.py."""

from zhaoshang.testing import ScopeCheck


def town_b_token(personas):
    from zhaoshang.api.services import create_token

    new = create_token(personas.officer_b, name="河口镇看板", scopes=["projects:read"], days=30)
    return {"pk": new.token.pk}


SCOPE_CHECKS = [
    # Revoking: only the token's owner (and the system admin) reaches another's token.
    ScopeCheck("api:token_revoke", town_b_token, method="post"),
]
