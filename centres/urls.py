from django.urls import path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.detail, name="detail"),
]
