from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicators"),
]
