from django.contrib import admin
from django.urls import include, path

from lumen import views

admin.site.site_header = "Lumen administration"
admin.site.site_title = "Lumen admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("patients/", include("patients.urls")),
    path("pharma/", include("pharma.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "lumen.errors.server_error"
