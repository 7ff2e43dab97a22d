"""Managing shares and tokens (owner) and the shared read-only pages (owner, invited account or link)."""

from django.urls import path

from relief.sharing import views

app_name = "sharing"

urlpatterns = [
    path("sharing/", views.manage, name="manage"),
    path("sharing/links/", views.create_link, name="create_link"),
    path("sharing/invites/", views.invite, name="invite"),
    path("sharing/<uuid:share_id>/revoke/", views.revoke, name="revoke"),
    path("sharing/tokens/", views.create_token, name="create_token"),
    path("sharing/tokens/<uuid:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("sharing/with-me/", views.with_me, name="with_me"),
    path(
        "sharing/invitations/<uuid:share_id>/accept/",
        views.answer_invitation,
        {"answer": "accept"},
        name="accept_invitation",
    ),
    path(
        "sharing/invitations/<uuid:share_id>/decline/",
        views.answer_invitation,
        {"answer": "decline"},
        name="decline_invitation",
    ),
    path("shared/<str:who>/", views.timeline, name="timeline"),
]
