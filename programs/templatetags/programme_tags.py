"""``{% firm_participations organisation %}``: a firm's activities and outcomes, for its profile page.

A template tag, so the supplier pages (which must not import programs) can show them; the page
shows it to the firm's people and staff only (``show_private``).
"""

from django import template

from programs.models import Participation

register = template.Library()


@register.inclusion_tag("programs/_firm_participations.html")
def firm_participations(organisation):
    rows = (
        Participation.objects.filter(organisation=organisation)
        .select_related("activity__programme", "standard", "supplier_of")
        .order_by("-activity__starts_on", "activity__title", "outcome")
    )
    return {"participations": list(rows)}
