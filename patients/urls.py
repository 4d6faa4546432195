from django.urls import path

from patients.views import ask, data, profile

app_name = "patients"
urlpatterns = [
    path("", profile.home, name="home"),
    path("profile/", profile.profile_edit, name="profile"),
    path("medications/", profile.medication_add, name="medication_add"),
    path("medications/<uuid:uid>/remove/", profile.medication_remove, name="medication_remove"),
    path("my-data/", data.my_data, name="my_data"),
    path("my-data/export.json", data.export_json, name="export_json"),
    path("my-data/export.pdf", data.export_pdf, name="export_pdf"),
    path("ask/", ask.ask, name="ask"),
    path("ask/messages/<uuid:uid>/stream/", ask.answer_stream, name="answer_stream"),
    path("ask/messages/<uuid:uid>/feedback/", ask.feedback, name="feedback"),
]
