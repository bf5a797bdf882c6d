urlpatterns: list = []  # registration, e-mail verification, colleagues (filled by its issue area)
