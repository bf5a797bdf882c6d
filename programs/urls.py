"""Staff pages of the programmes under /programmes/ (namespace "programs")."""

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/report/<int:year>/", views.annual_report, name="annual_report"),
    path("<int:pk>/report/<int:year>/xlsx/", views.annual_report_xlsx, name="annual_report_xlsx"),
    path("gaps/", views.gap_list, name="gap_list"),
    path("gaps/<slug:key>/", views.gap_detail, name="gap_detail"),
    path("gaps/<slug:key>/invite/", views.gap_invite, name="gap_invite"),
    path("documents/<int:pk>/", views.programme_document_download, name="programme_document_download"),
    path("attachments/<int:pk>/", views.task_attachment_download, name="task_attachment_download"),
]
