from django.urls import path

from . import index_views, views

app_name = "insight"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.postcode_search, name="search"),
    path("areas/lsoa21/", views.lsoa_table, name="lsoa21-list"),
    path("areas/lsoa21/<str:code>/", views.lsoa_detail, name="lsoa21-detail"),
    path("about/data/", views.sources, name="sources"),
    path("index/", index_views.index_home, name="index-home"),
    path("index/<slug:framework>/", index_views.index_map, name="index-framework"),
    path("index/<slug:framework>/results.csv", index_views.index_csv, name="index-csv"),
    path("index/<slug:framework>/<str:code>/", index_views.index_area, name="index-area"),
]
