"""``__in`` on integer columns that ignores values the column cannot hold.

Django (5.2) already answers "nothing matches" for an exact lookup with an out-of-range integer,
but not for ``__in``: on SQLite a value beyond 64 bits raises ``OverflowError`` inside the query.
``ModelMultipleChoiceField`` cleans what a form posts with ``pk__in``, so a crafted request
(``materials=99999999999999999999``) was a server error on the embedded default instead of
"Select a valid choice". Registered on ``IntegerField`` (and so on every auto primary key) in
``PortalConfig.ready``.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if not _outside(value, low, high)]
        return super().process_rhs(compiler, connection)


def _outside(value, low, high) -> bool:
    return isinstance(value, int) and (
        (low is not None and value < low) or (high is not None and value > high)
    )
