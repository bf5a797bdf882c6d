urlpatterns: list = []  # /api/v1/suppliers/ (filled by its issue area)
