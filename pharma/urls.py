from django.urls import path

from pharma import views

app_name = "pharma"
urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("assistant/", views.assistant, name="assistant"),
]
