from django.urls import path

from patients.views import ask, profile

app_name = "patients"
urlpatterns = [
    path("", profile.home, name="home"),
    path("profile/", profile.profile_edit, name="profile"),
    path("medications/", profile.medication_add, name="medication_add"),
    path("medications/<uuid:uid>/remove/", profile.medication_remove, name="medication_remove"),
    path("ask/", ask.ask, name="ask"),
    path("ask/messages/<uuid:uid>/stream/", ask.answer_stream, name="answer_stream"),
    path("ask/messages/<uuid:uid>/feedback/", ask.feedback, name="feedback"),
]
