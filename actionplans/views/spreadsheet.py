"""Plans as spreadsheets: download (.xlsx, CSV) and upload with a preview."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actionplans import selectors, tasks
from actionplans.access import get_plan_for_user, plan_access
from actionplans.models import ActionPlan, PlanImport
from actionplans.spreadsheet.export import plan_csv, plan_xlsx
from portal.http import PortalRequest, SignedInRequest

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
    plan = selectors.public_plan(strategy_slug=strategy_slug, year=year)
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
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_add_activities:
        raise PermissionDenied
    if not plan.is_editable:
        messages.error(request, _("Activities can only be imported while the plan is a draft."))
        return redirect(plan.get_edit_url())
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        plan_import = PlanImport(
            plan=plan,
            uploaded_by=request.user,
            original_name=upload.name[:255],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        plan_import.file.save(
            f"{plan.pk}-{plan_import.sha256[:16]}.xlsx", ContentFile(data), save=False
        )
        plan_import.save()
        _check(plan_import)
        return redirect(plan_import)
    recent = list(plan.imports.select_related("uploaded_by")[:5])
    return render(
        request, "actionplans/import_upload.html", {"plan": plan, "form": form, "recent": recent}
    )


def _check(plan_import: PlanImport) -> None:
    if plan_import.size <= settings.IMPORT_SYNC_MAX_BYTES:
        tasks.check_import(plan_import.pk)
    else:
        tasks.check_import.delay_on_commit(plan_import.pk)  # type: ignore[attr-defined]  # DjangoTask


def _get_import(request: PortalRequest, import_id: int) -> PlanImport:
    try:
        plan_import = PlanImport.objects.select_related(
            "plan", "plan__strategy", "uploaded_by"
        ).get(pk=import_id)
    except PlanImport.DoesNotExist:
        raise Http404 from None
    access = plan_access(request.user, plan_import.plan)
    # The uploader and those who edit the plan see an import; nobody else learns of it.
    if not (plan_import.uploaded_by_id == request.user.pk or access.can_edit_plan):
        raise Http404
    return plan_import


@login_required
@require_GET
@vary_on_headers("HX-Request")
def import_detail(request: SignedInRequest, import_id: int) -> HttpResponse:
    plan_import = _get_import(request, import_id)
    context = {"plan_import": plan_import, "plan": plan_import.plan}
    if request.htmx:
        return render(request, "actionplans/import_detail.html#status", context)
    return render(request, "actionplans/import_detail.html", context)


@login_required
@require_POST
def import_apply(request: SignedInRequest, import_id: int) -> HttpResponse:
    plan_import = _get_import(request, import_id)
    if plan_import.uploaded_by_id != request.user.pk:
        raise PermissionDenied
    # One click, one save: only the request that moves the import on does the work.
    moved = PlanImport.objects.filter(pk=plan_import.pk, state=PlanImport.State.READY).update(
        state=PlanImport.State.APPLYING
    )
    if moved:
        if plan_import.size <= settings.IMPORT_SYNC_MAX_BYTES:
            tasks.apply_import(plan_import.pk)
        else:
            tasks.apply_import.delay_on_commit(plan_import.pk)  # type: ignore[attr-defined]  # DjangoTask
    return redirect(plan_import)


@login_required
@require_POST
def import_recheck(request: SignedInRequest, import_id: int) -> HttpResponse:
    """Check the same file again, e.g. after the plan changed under a preview."""
    plan_import = _get_import(request, import_id)
    if plan_import.uploaded_by_id != request.user.pk:
        raise PermissionDenied
    moved = PlanImport.objects.filter(
        pk=plan_import.pk,
        state__in=[PlanImport.State.READY, PlanImport.State.INVALID, PlanImport.State.FAILED],
    ).update(state=PlanImport.State.CHECKING, message="")
    if moved:
        _check(PlanImport.objects.get(pk=plan_import.pk))
    return redirect(plan_import)
