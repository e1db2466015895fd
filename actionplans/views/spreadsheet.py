"""Plans as spreadsheets: download (.xlsx, CSV) and upload with a preview."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actionplans import tasks
from actionplans.access import get_import_for_user, get_plan_for_import, get_plan_for_user
from actionplans.models import ActionPlan, PlanImport
from actionplans.selectors import imports as import_selectors
from actionplans.selectors import plans as plan_selectors
from actionplans.services import imports
from actionplans.spreadsheet.export import plan_csv, plan_xlsx
from portal.http import PortalRequest, SignedInRequest
from portal.tasks import enqueue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(plan: ActionPlan, fmt: str) -> HttpResponse:
    name = slugify(f"{plan.title}-{plan.strategy.slug}") or "handlingsplan"
    if fmt == "xlsx":
        response = HttpResponse(plan_xlsx(plan), content_type=XLSX)
    elif fmt == "csv":
        response = HttpResponse(plan_csv(plan), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def plan_export(request: SignedInRequest, plan_id: int, fmt: str) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, plan_id)
    return _download(plan, fmt)


@require_GET
def public_export(request: PortalRequest, strategy_slug: str, year: int, fmt: str) -> HttpResponse:
    plan = plan_selectors.public_plan(strategy_slug=strategy_slug, year=year)
    return _download(plan, fmt)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan file (.xlsx)"),
        help_text=gettext_lazy("Start from the plan's own Excel file: download it, edit, upload."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": settings.IMPORT_MAX_BYTES // 2**20}
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_import(request.user, plan_id)
    if not plan.is_editable:
        messages.error(request, _("Activities can only be imported while the plan is a draft."))
        return redirect(plan.get_edit_url())
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan_import = imports.plan_import_create(
            plan=plan, user=request.user, access=access, upload=form.cleaned_data["file"]
        )
        _check(plan_import)
        return redirect(plan_import)
    context = {"plan": plan, "form": form, "recent": import_selectors.recent_imports(plan)}
    return render(request, "actionplans/import_upload.html", context)


def _check(plan_import: PlanImport) -> None:
    """A small file is checked in the request, a large one by the worker."""
    if plan_import.size <= settings.IMPORT_SYNC_MAX_BYTES:
        imports.plan_import_check(import_id=plan_import.pk)
    else:
        enqueue(tasks.check_import, plan_import.pk)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def import_detail(request: SignedInRequest, import_id: int) -> HttpResponse:
    plan_import, access = get_import_for_user(request.user, import_id)
    context = {"plan_import": plan_import, "plan": plan_import.plan, "access": access}
    if request.htmx:
        return render(request, "actionplans/import_detail.html#status", context)
    return render(request, "actionplans/import_detail.html", context)


@login_required
@require_POST
def import_apply(request: SignedInRequest, import_id: int) -> HttpResponse:
    plan_import, _access = get_import_for_user(request.user, import_id, uploader_only=True)
    if imports.plan_import_confirm(plan_import=plan_import, user=request.user):
        if plan_import.size <= settings.IMPORT_SYNC_MAX_BYTES:
            imports.plan_import_apply(import_id=plan_import.pk)
        else:
            enqueue(tasks.apply_import, plan_import.pk)
    return redirect(plan_import)


@login_required
@require_POST
def import_remove(request: SignedInRequest, import_id: int) -> HttpResponse:
    """Remove an import (and its file) that is not being checked or saved, nor saved."""
    plan_import, _access = get_import_for_user(request.user, import_id, uploader_only=True)
    plan = plan_import.plan
    if not imports.plan_import_remove(plan_import=plan_import, user=request.user):
        messages.error(request, _("An import being checked or saved, or saved, is kept."))
        return redirect(plan_import)
    messages.success(
        request, _("The import of %(name)s was removed.") % {"name": plan_import.original_name}
    )
    if plan.is_editable:
        return redirect("actionplans:import_upload", plan.pk)
    return redirect(plan.get_edit_url())


@login_required
@require_POST
def import_recheck(request: SignedInRequest, import_id: int) -> HttpResponse:
    """Check the same file again, e.g. after the plan changed under a preview."""
    plan_import, _access = get_import_for_user(request.user, import_id, uploader_only=True)
    if imports.plan_import_recheck(plan_import=plan_import, user=request.user):
        _check(plan_import)
    return redirect(plan_import)
