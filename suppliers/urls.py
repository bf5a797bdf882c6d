"""Supplier pages. Each area keeps its routes in its own module, gathered here."""

from django.urls import include, path

from suppliers import views_search

app_name = "suppliers"

urlpatterns = [
    path("search/", views_search.supplier_search, name="search"),
    path("", include("suppliers.urls_accounts")),
    path("", include("suppliers.urls_profile")),
]
