"""Part-request pages under /requests/ (namespace "matching")."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/publish/", views.request_publish, name="request_publish"),
    path("<int:pk>/close/", views.request_close, name="request_close"),
    path("<int:pk>/award/", views.request_award, name="request_award"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
]
