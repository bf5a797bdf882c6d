"""Template helpers shared by every app's templates."""

from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, SelectMultiple

register = template.Library()


@register.filter
def bootstrap(field):
    """Render a bound field's widget with Bootstrap's classes, marking it invalid on errors."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (CheckboxSelectMultiple, RadioSelect)):
        css = ""
    elif isinstance(widget, (Select, SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), css]))}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def bar_width(percent) -> str:
    """The CSS class (``bar-0`` … ``bar-100``, in steps of 5, portal.css) of a bar ``percent`` wide.

    A class rather than ``style="width: …"``: the Content-Security-Policy allows no inline style.
    """
    try:
        value = float(percent)
    except (TypeError, ValueError):
        value = 0.0
    return f"bar-{int(min(max(value, 0.0), 100.0) / 5 + 0.5) * 5}"
