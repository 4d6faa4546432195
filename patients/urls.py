from django.urls import path

from patients.views import ask, data, drugs, interactions, profile, push, tracking, triage

app_name = "patients"
urlpatterns = [
    path("", profile.home, name="home"),
    path("profile/", profile.profile_edit, name="profile"),
    *(
        path(f"{kind}/{route}", view, {"kind": kind}, name=f"{kind}_{name}")
        for kind in profile.KINDS
        for route, view, name in (
            ("", profile.item_add, "add"),
            ("<uuid:uid>/edit/", profile.item_edit, "edit"),
            ("<uuid:uid>/remove/", profile.item_remove, "remove"),
        )
    ),
    path("my-data/", data.my_data, name="my_data"),
    path("my-data/export.json", data.export_json, name="export_json"),
    path("my-data/export.pdf", data.export_pdf, name="export_pdf"),
    path("ask/", ask.ask, name="ask"),
    path("ask/messages/<uuid:uid>/stream/", ask.answer_stream, name="answer_stream"),
    path("ask/messages/<uuid:uid>/feedback/", ask.feedback, name="feedback"),
    path("diary/", tracking.diary, name="diary"),
    path("diary/<uuid:uid>/edit/", tracking.diary_entry_edit, name="diary_entry_edit"),
    path("diary/<uuid:uid>/delete/", tracking.diary_entry_delete, name="diary_entry_delete"),
    path("schedules/", tracking.schedules, name="schedules"),
    path("schedules/time-zone/", tracking.time_zone, name="time_zone"),
    path("medications/<uuid:uid>/schedules/", tracking.schedule_add, name="schedule_add"),
    path("schedules/<uuid:uid>/remove/", tracking.schedule_remove, name="schedule_remove"),
    path("medications/<uuid:uid>/supply/", tracking.medication_supply, name="medication_supply"),
    path("doses/", tracking.doses, name="doses"),
    path("doses/extra/", tracking.dose_record_extra, name="dose_record_extra"),
    path("doses/<uuid:uid>/", tracking.dose_detail, name="dose_detail"),
    path("doses/<uuid:uid>/record/", tracking.dose_record, name="dose_record"),
    path("doses/<uuid:uid>/undo/", tracking.dose_undo, name="dose_undo"),
    path("doses/<uuid:uid>/snooze/", tracking.dose_snooze, name="dose_snooze"),
    path("push/subscribe/", push.subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push.unsubscribe, name="push_unsubscribe"),
    path("sw.js", push.service_worker, name="service_worker"),
    path("interactions/", interactions.checker, name="interactions"),
    path("interactions/suggest/", interactions.drug_suggest, name="drug_suggest"),
    path("interactions/row/", interactions.interaction_row, name="interaction_row"),
    path("drugs/", drugs.drug_search, name="drugs"),
    path("drugs/<str:key>/", drugs.drug_detail, name="drug_detail"),
    path("symptoms/", triage.start, name="triage"),
    path("symptoms/questions/", triage.questions, name="triage_questions"),
    path("symptoms/assess/", triage.assess, name="triage_assess"),
    path("symptoms/describe/", triage.describe, name="triage_describe"),
    path("symptoms/history/", triage.history, name="triage_history"),
    path("symptoms/<uuid:uid>/", triage.result, name="triage_result"),
]
