from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import views

admin.site.site_header = _("CNHT Connect administration")
admin.site.site_title = _("CNHT Connect")
admin.site.index_title = _("Sở Công Thương workspace")
# The admin signs in through the portal's sign-in, so staff pass the same lock-out and second
# factor as everyone (Django's own admin login form knows neither).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("health/", views.health, name="health"),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/api-tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("suppliers/", include("suppliers.urls")),
    path("requests/", include("matching.urls")),
    path("programmes/", include("programs.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
