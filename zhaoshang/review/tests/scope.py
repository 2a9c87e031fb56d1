"""Object URLs of the review queue: the bureau's only, so an officer gets 404 from all."""

from zhaoshang.core.verification import verifiable_models

ADMIN_ONLY_URLS = [
    "review:attachment_inline",
    *(f"review:evidence_{model.review_kind}" for model in verifiable_models()),
]
