from django.urls import path

from pharma.views import audit, documents, executions, logbooks, workspace
from pharma.views import drugs as drug_pages
from pharma.views.compliance import compliance_check
from pharma.views.pathways import pathway_helper

app_name = "pharma"
urlpatterns = [
    path("", workspace.home, name="home"),
    path("invitations/<str:token>/", workspace.invitation, name="invitation"),
    path("assistant/", workspace.assistant, name="assistant"),
    path("compliance/", compliance_check, name="compliance"),
    path("audit/", audit.audit_trail, name="audit"),
    path("members/", workspace.members, name="members"),
    path("drugs/", drug_pages.drug_search, name="drugs"),
    path("drugs/<str:key>/", drug_pages.drug_detail, name="drug_detail"),
    path("pathways/", pathway_helper, name="pathways"),
    path("documents/", documents.document_list, name="documents"),
    path("documents/<uuid:uid>/", documents.document_detail, name="document_detail"),
    path("documents/<uuid:uid>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<uuid:uid>/submit/", documents.document_submit, name="document_submit"),
    path("documents/<uuid:uid>/withdraw/", documents.document_withdraw, name="document_withdraw"),
    path("documents/<uuid:uid>/sign/", documents.document_sign, name="document_sign"),
    path("documents/<uuid:uid>/pdf/", documents.document_pdf, name="document_pdf"),
    path("documents/<uuid:uid>/compare/", documents.document_compare, name="document_compare"),
    path(
        "documents/<uuid:uid>/revisions/<int:number>/",
        documents.document_detail,
        name="document_revision",
    ),
    path(
        "documents/<uuid:uid>/revisions/<int:number>/pdf/",
        documents.document_pdf,
        name="document_revision_pdf",
    ),
    path(
        "documents/<uuid:uid>/revisions/<int:number>/execute/",
        executions.execution_start,
        name="execution_start",
    ),
    path("executions/<uuid:uid>/", executions.execution_detail, name="execution_detail"),
    path(
        "executions/<uuid:uid>/results/<slug:key>/",
        executions.result_record,
        name="result_record",
    ),
    path("executions/<uuid:uid>/sign/", executions.execution_sign, name="execution_sign"),
    path("executions/<uuid:uid>/pdf/", executions.execution_pdf, name="execution_pdf"),
    path("deviations/", executions.deviation_list, name="deviations"),
    path("deviations/<uuid:uid>/assess/", executions.deviation_assess, name="deviation_assess"),
    path("evidence/<uuid:uid>/", executions.evidence_download, name="evidence_download"),
    path("logbooks/<uuid:uid>/", logbooks.logbook_detail, name="logbook_detail"),
    path("logbooks/<uuid:uid>/pdf/", logbooks.logbook_pdf, name="logbook_pdf"),
    path(
        "logbook-entries/<uuid:uid>/correct/",
        logbooks.entry_correct,
        name="logbook_entry_correct",
    ),
    path(
        "logbook-entries/<uuid:uid>/verify/",
        logbooks.entry_verify,
        name="logbook_entry_verify",
    ),
]
