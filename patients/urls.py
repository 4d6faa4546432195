from django.urls import path

from patients import views

app_name = "patients"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile_edit, name="profile"),
    path("medications/", views.medication_add, name="medication_add"),
    path("medications/<uuid:uid>/remove/", views.medication_remove, name="medication_remove"),
    path("ask/", views.ask, name="ask"),
    path("ask/messages/<uuid:uid>/feedback/", views.feedback, name="feedback"),
]
