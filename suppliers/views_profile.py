"""A firm's own profile, section by section; its public page; its documents.

Each section is a plain POST form: validate → call one service → redirect (so a reload does not
post again). On any error the page is rendered again with what was typed and the errors next to
the fields. A firm only ever edits its own profile: the views never take a profile id.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from suppliers import permissions, selectors, services
from suppliers.forms_profile import (
    CapabilitiesForm,
    CertificateFormSet,
    DocumentUploadForm,
    EquipmentFormSet,
    MarketForm,
    OrganisationIdentityForm,
    ProcessFormSet,
    ProductFormSet,
    ProfileIdentityForm,
)
from suppliers.models import Document, SupplierProfile
from suppliers.uploads import private_file_response

# (URL name, tab label) of the edit sections, in the order of the section nav.
SECTIONS = (
    ("suppliers:profile_edit", _("Identity")),
    ("suppliers:profile_processes", _("Processes and materials")),
    ("suppliers:profile_equipment", _("Equipment")),
    ("suppliers:profile_products", _("Products and customers")),
    ("suppliers:profile_certificates", _("Certificates")),
    ("suppliers:profile_documents", _("Documents and photos")),
)


def _own_profile(request) -> SupplierProfile:
    """The profile of the signed-in member's firm; people without a supplier firm get a 404."""
    profile = selectors.profile_for_user(request.user)
    if profile is None:
        raise Http404
    return profile


def _render_section(request, section: str, profile: SupplierProfile, context: dict):
    # Read again from the database: after a refused POST the forms' instances hold what was typed.
    detailed = selectors.profile_detail(profile.pk)
    context = {
        "profile": detailed,
        "organisation": detailed.organisation,
        "sections": SECTIONS,
        "current_section": section,
        "completeness": selectors.profile_completeness(detailed),
        **context,
    }
    return render(request, f"suppliers/profile/{section.split(':')[1]}.html", context)


def _saved(request, section: str):
    messages.success(request, gettext("Your changes have been saved."))
    return redirect(section)


def _rows(formset):
    changed, deleted = formset.changes()
    return [form.instance for form in changed], deleted


@login_required
def profile_edit(request):
    """Identity: names, address, description, contacts, sectors and VSIC codes."""
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    organisation_form = OrganisationIdentityForm(data, instance=profile.organisation, prefix="organisation")
    profile_form = ProfileIdentityForm(data, instance=profile)
    errors = []
    # "&", not "and": both forms are validated so that every error shows at once.
    if data is not None and organisation_form.is_valid() & profile_form.is_valid():
        try:
            services.profile_identity_update(
                profile=profile,
                organisation_data=organisation_form.cleaned_data,
                profile_data=profile_form.cleaned_data,
            )
            return _saved(request, "suppliers:profile_edit")
        except ValidationError as error:
            errors = error.messages
    context = {"organisation_form": organisation_form, "form": profile_form, "service_errors": errors}
    return _render_section(request, "suppliers:profile_edit", profile, context)


@login_required
def profile_processes(request):
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    formset = ProcessFormSet(data, instance=profile, prefix="processes")
    form = CapabilitiesForm(data, instance=profile)
    errors = []
    if data is not None and formset.is_valid() & form.is_valid():
        rows, deleted = _rows(formset)
        try:
            services.profile_processes_update(
                profile=profile,
                rows=rows,
                deleted=deleted,
                materials=form.cleaned_data["materials"],
                practices=form.cleaned_data["practices"],
            )
            return _saved(request, "suppliers:profile_processes")
        except ValidationError as error:
            errors = error.messages
    context = {"formset": formset, "form": form, "service_errors": errors}
    return _render_section(request, "suppliers:profile_processes", profile, context)


@login_required
def profile_equipment(request):
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    formset = EquipmentFormSet(data, instance=profile, prefix="equipment")
    errors = []
    if data is not None and formset.is_valid():
        rows, deleted = _rows(formset)
        try:
            services.profile_equipment_update(profile=profile, rows=rows, deleted=deleted)
            return _saved(request, "suppliers:profile_equipment")
        except ValidationError as error:
            errors = error.messages
    context = {"formset": formset, "service_errors": errors}
    return _render_section(request, "suppliers:profile_equipment", profile, context)


@login_required
def profile_products(request):
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    formset = ProductFormSet(data, instance=profile, prefix="products")
    form = MarketForm(data, instance=profile)
    errors = []
    if data is not None and formset.is_valid() & form.is_valid():
        rows, deleted = _rows(formset)
        try:
            services.profile_products_update(
                profile=profile, rows=rows, deleted=deleted, market_data=form.cleaned_data
            )
            return _saved(request, "suppliers:profile_products")
        except ValidationError as error:
            errors = error.messages
    context = {"formset": formset, "form": form, "service_errors": errors}
    return _render_section(request, "suppliers:profile_products", profile, context)


@login_required
def profile_certificates(request):
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    formset = CertificateFormSet(data, files, instance=profile, prefix="certificates")
    errors = []
    if data is not None and formset.is_valid():
        changed, deleted = formset.changes()
        rows = [(form.instance, form.cleaned_data.get("scan") or None) for form in changed]
        try:
            services.profile_certificates_update(
                profile=profile, rows=rows, deleted=deleted, uploaded_by=request.user
            )
            return _saved(request, "suppliers:profile_certificates")
        except ValidationError as error:
            errors = error.messages
    context = {"formset": formset, "service_errors": errors, "today": timezone.localdate()}
    return _render_section(request, "suppliers:profile_certificates", profile, context)


@login_required
def profile_documents(request):
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    form = DocumentUploadForm(data, request.FILES if data is not None else None)
    errors = []
    if data is not None and form.is_valid():
        try:
            services.document_upload(
                organisation=profile.organisation,
                file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                is_private=form.cleaned_data["is_private"],
                uploaded_by=request.user,
            )
            return _saved(request, "suppliers:profile_documents")
        except ValidationError as error:
            errors = error.messages
    documents = profile.organisation.documents.order_by("-uploaded_at")
    context = {"form": form, "documents": documents, "service_errors": errors}
    return _render_section(request, "suppliers:profile_documents", profile, context)


@login_required
@require_POST
def profile_document_delete(request, pk: int):
    profile = _own_profile(request)
    # Only a document of the member's own firm: any other id is a 404, whoever owns it.
    document = get_object_or_404(Document, pk=pk, organisation=profile.organisation)
    services.document_delete(document=document)
    messages.success(request, gettext("The document has been deleted."))
    return redirect("suppliers:profile_documents")


@login_required
def document_download(request, pk: int):
    """A firm's file, to those allowed to see it, as a download that no browser renders inline."""
    document = get_object_or_404(Document.objects.select_related("organisation"), pk=pk)
    if not permissions.can_view_document(request.user, document):
        raise Http404
    return private_file_response(document)


@login_required
def profile_detail(request, pk: int):
    """A firm's profile page: its people, staff and buyers see it; other suppliers get a 404."""
    try:
        profile = selectors.profile_detail(pk)
    except SupplierProfile.DoesNotExist as missing:
        raise Http404 from missing
    if not permissions.can_view_profile(request.user, profile):
        raise Http404
    is_own = permissions.is_member_of(request.user, profile.organisation)
    show_private = is_own or permissions.can_view_private(request.user, profile)
    documents = [d for d in profile.organisation.documents.all() if show_private or not d.is_private]
    context = {
        "profile": profile,
        "organisation": profile.organisation,
        "is_own": is_own,
        "show_private": show_private,
        "show_contacts": show_private or not profile.contacts_private,
        "show_customers": show_private or not profile.customers_private,
        "documents": documents,
        "visible_document_ids": {document.pk for document in documents},
        "completeness": selectors.profile_completeness(profile) if is_own else None,
        "spare_capacity_age": profile.spare_capacity_age_days(),
        "today": timezone.localdate(),
    }
    return render(request, "suppliers/profile/detail.html", context)
