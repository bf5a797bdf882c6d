"""Who may see or change a supplier's profile and files.

Rules (tested for owner, colleague, another firm, buyer, staff and anonymous in
tests/suppliers/test_permission_matrix.py):
- members of the firm (admin or member) see everything and edit the profile;
- only the firm's admins manage members and invitations;
- staff see everything and change verification (in the admin);
- signed-in members of a buyer organisation see the profile without what the firm marked private
  (contacts, customers, private documents); other suppliers and anonymous visitors see no profile.
"""

from portal.models import Membership, Organisation
from portal.roles import is_staff_member, organisations_of
from suppliers.models import Document, SupplierProfile


def is_member_of(user, organisation: Organisation, *, admin: bool = False) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, organisation=organisation)
    if admin:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    return memberships.exists()


def is_buyer(user) -> bool:
    return organisations_of(user).filter(is_buyer=True).exists()


def may_search_suppliers(user) -> bool:
    """Buyers and staff search every firm; suppliers do not browse their competitors."""
    return is_staff_member(user) or is_buyer(user)


def can_view_profile(user, profile: SupplierProfile) -> bool:
    return is_member_of(user, profile.organisation) or is_staff_member(user) or is_buyer(user)


def can_view_private(user, profile: SupplierProfile) -> bool:
    """Private parts (marked so by the firm): its own people and staff only."""
    return is_member_of(user, profile.organisation) or is_staff_member(user)


def can_edit_profile(user, profile: SupplierProfile) -> bool:
    return is_member_of(user, profile.organisation)


def can_manage_members(user, organisation: Organisation) -> bool:
    return is_member_of(user, organisation, admin=True)


def can_view_document(user, document: Document) -> bool:
    if is_member_of(user, document.organisation) or is_staff_member(user):
        return True
    return not document.is_private and is_buyer(user)
