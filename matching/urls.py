"""Part-request pages under /requests/ (namespace "matching")."""

from django.urls import path

from matching import views, views_invitations, views_shortlist

app_name = "matching"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("invitations/", views_invitations.invitation_inbox, name="invitation_inbox"),
    path("invitations/<int:pk>/", views_invitations.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/answer/", views_invitations.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/quote/", views_invitations.invitation_quote, name="invitation_quote"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/publish/", views.request_publish, name="request_publish"),
    path("<int:pk>/close/", views.request_close, name="request_close"),
    path("<int:pk>/award/", views.request_award, name="request_award"),
    path("<int:pk>/interest/", views.interest_declare, name="interest_declare"),
    path("<int:pk>/interest/withdraw/", views.interest_withdraw, name="interest_withdraw"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/shortlist/", views_shortlist.shortlist_page, name="shortlist"),
    path("<int:pk>/shortlist/export.<str:fmt>", views_shortlist.shortlist_export, name="shortlist_export"),
    path("<int:pk>/compare/", views_shortlist.compare, name="compare"),
    path("<int:pk>/invite/", views_invitations.quote_invite, name="quote_invite"),
    path(
        "<int:pk>/quotations/<int:doc_pk>/", views_invitations.quotation_document, name="quotation_document"
    ),
    path("<int:pk>/compare/export.<str:fmt>", views_shortlist.compare_export, name="compare_export"),
    path("<int:pk>/shortlist/add/", views_shortlist.shortlist_add, name="shortlist_add"),
    path("<int:pk>/shortlist/<int:entry_pk>/", views_shortlist.shortlist_update, name="shortlist_update"),
    path(
        "<int:pk>/shortlist/<int:entry_pk>/remove/", views_shortlist.shortlist_remove, name="shortlist_remove"
    ),
]
