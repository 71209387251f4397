from django.urls import path

from . import views, views_directory, views_reports

app_name = "prescribing"

urlpatterns = [
    path("", views.home, name="index"),
    path("referrals/", views.my_referrals, name="my-referrals"),
    path("referrals/new/", views.new_referral, name="referral-new"),
    path("self-referrals/new/", views.new_self_referral, name="self-referral-new"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral-detail"),
    path("referrals/<uuid:referral_id>/actions/<slug:action>/", views.referral_action,
         name="referral-action"),
    path("referrals/<uuid:referral_id>/outcomes/<slug:instrument>/", views.outcome_form,
         name="outcome"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("dashboard/", views_reports.dashboard, name="dashboard"),
    path("dashboard.csv", views_reports.dashboard_csv, name="dashboard-csv"),
    path("service-levels/", views_reports.service_levels, name="service-levels"),
    path("outcomes/", views_reports.outcome_change, name="outcome-change"),
    path("flow/", views_reports.caseload_flow, name="flow"),
    path("agreements/", views_reports.agreement_list, name="agreements"),
    path("agreements/new/", views_reports.agreement_new, name="agreement-new"),
    path("agreements/<int:agreement_id>/", views_reports.agreement_edit, name="agreement-edit"),
    path("onward/", views.provider_onward, name="onward"),
    path("onward/<uuid:public_id>/respond/", views.onward_respond, name="onward-respond"),
    path("onward/<uuid:public_id>/start/", views.onward_start, name="onward-start"),
    path("capacity/", views.capacity_set, name="capacity"),
    path("providers/", views_directory.providers_page, name="providers"),
    path("providers/link/", views_directory.provider_link, name="provider-link"),
    path("providers/unlink/", views_directory.provider_unlink, name="provider-unlink"),
    path("capacity/areas/", views_reports.capacity_areas, name="capacity-areas"),
]
