"""Language selection: Vietnamese first.

Django's LocaleMiddleware follows the browser's Accept-Language, so a Vietnamese official with an
English-language browser would land on the English portal. We decided otherwise: pages are in
Vietnamese unless the user picked English with the language switcher (the ``django_language``
cookie). API clients, which have no switcher, may still ask with Accept-Language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_for(request) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in supported:
        return chosen
    if request.path.startswith("/api/"):
        asked = translation.get_language_from_request(request)
        if asked in supported:
            return asked
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        request.LANGUAGE_CODE = language
        # Restore the thread's language afterwards, so nothing leaks into the next request.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response
