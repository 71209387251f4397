from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.postcode_search, name="search"),
    path("areas/lsoa21/", views.lsoa_table, name="lsoa21-list"),
    path("areas/lsoa21/<str:code>/", views.lsoa_detail, name="lsoa21-detail"),
    path("about/data/", views.sources, name="sources"),
]
