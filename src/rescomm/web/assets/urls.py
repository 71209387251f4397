from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("basemap.json", views.basemap_json, name="basemap"),
    path("<uuid:asset_id>/", views.asset_detail, name="detail"),
    path("<uuid:asset_id>/report/", views.report_problem, name="report"),
    path("<uuid:asset_id>/history/", views.asset_history, name="history"),
    path("<uuid:asset_id>/history/<int:number>/revert/", views.revert_version, name="revert"),
]

urlpatterns.append(
    path("<uuid:asset_id>/still-correct/<str:token>/", views.still_correct, name="still-correct")
)

urlpatterns += [
    path("suggest/", views.suggest_new, name="suggest"),
    path("<uuid:asset_id>/suggest/", views.suggest_edit, name="suggest-edit"),
    path("suggest/sent/<uuid:suggestion_id>/", views.suggestion_sent, name="suggestion-sent"),
    path("suggestions/mine/", views.my_suggestions, name="my-suggestions"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<uuid:suggestion_id>/", views.moderation_detail, name="moderation-detail"),
    path("moderation/reports/<int:report_id>/", views.report_detail, name="report-detail"),
]

urlpatterns.append(path("freshness/", views.freshness, name="freshness"))

urlpatterns.append(path("coverage/", views.coverage_page, name="coverage"))

urlpatterns += [
    path("<uuid:asset_id>/claim/", views.claim_listing, name="claim"),
    path("claim/<str:token>/", views.claim_confirm, name="claim-confirm"),
    path("listings/mine/", views.my_listings, name="my-listings"),
]
