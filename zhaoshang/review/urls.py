from django.urls import path

from zhaoshang.core.verification import verifiable_models
from zhaoshang.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("decide/", views.decide, name="decide"),
    path("attachments/<int:pk>/", views.attachment_inline, name="attachment_inline"),
]

# One evidence URL per verifiable model (review:evidence_event, review:evidence_tranche …),
# so every object URL takes a plain pk and the generic scope check covers it.
urlpatterns += [
    path(f"{model.review_kind}/<int:pk>/evidence/", views.evidence, {"kind": model.review_kind}, name=name)
    for model, name in ((model, f"evidence_{model.review_kind}") for model in verifiable_models())
]
