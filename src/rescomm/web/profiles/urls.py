from django.urls import path

from . import profile_views, views

app_name = "profiles"

urlpatterns = [
    path("", profile_views.profile_list, name="list"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("<slug:profile>/<slug:area_type>/<str:code>/", profile_views.profile_area,
         name="area"),
    path("<slug:profile>/<slug:area_type>/<str:code>/spine.csv",
         profile_views.profile_area_csv, name="area-csv"),
    path("<slug:profile>/<slug:area_type>/<str:code>/spine.svg",
         profile_views.profile_area_svg, name="area-svg"),
]
