from django.urls import path

from pharma.views import workspace

app_name = "pharma"
urlpatterns = [
    path("", workspace.home, name="home"),
    path("invitations/<str:token>/", workspace.invitation, name="invitation"),
    path("assistant/", workspace.assistant, name="assistant"),
]
