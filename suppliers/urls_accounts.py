"""Registration, e-mail verification (allauth's, after registering), colleagues and members."""

from django.urls import path

from suppliers import views_accounts as views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
