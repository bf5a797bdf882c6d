urlpatterns: list = []  # profile forms, profile page, documents (filled by its issue area)
