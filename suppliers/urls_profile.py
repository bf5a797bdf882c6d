"""A firm's own profile (edited section by section), profile pages, and document downloads."""

from django.urls import path

from suppliers import views_profile

urlpatterns = [
    path("profile/", views_profile.profile_edit, name="profile_edit"),
    path("profile/processes/", views_profile.profile_processes, name="profile_processes"),
    path("profile/equipment/", views_profile.profile_equipment, name="profile_equipment"),
    path("profile/products/", views_profile.profile_products, name="profile_products"),
    path("profile/certificates/", views_profile.profile_certificates, name="profile_certificates"),
    path("profile/documents/", views_profile.profile_documents, name="profile_documents"),
    path(
        "profile/documents/<int:pk>/delete/",
        views_profile.profile_document_delete,
        name="profile_document_delete",
    ),
    path("documents/<int:pk>/", views_profile.document_download, name="document_download"),
    path("<int:pk>/", views_profile.profile_detail, name="profile_detail"),
]
