"""Plans, reassessments, personal trials and tapers."""

from django.urls import path

from relief.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_plan, name="new"),
    path("decisions/", views.decisions, name="decisions"),
    path("<uuid:plan_id>/", views.detail, name="detail"),
    path("<uuid:plan_id>/steps/<slug:key>/", views.set_step, name="step"),
    path("<uuid:plan_id>/limits/", views.set_limits, name="limits"),
    path("<uuid:plan_id>/questions/", views.questions, name="questions"),
    path("<uuid:plan_id>/reassess/", views.reassess, name="reassess"),
    path("<uuid:plan_id>/taper/", views.new_taper, name="new_taper"),
    path("trials/new/", views.new_trial, name="new_trial"),
    path("trials/<uuid:trial_id>/", views.trial, name="trial"),
    path("trials/<uuid:trial_id>/start/", views.start_trial, name="start_trial"),
    path("trials/<uuid:trial_id>/attack/", views.reveal, name="reveal"),
    path("trials/<uuid:trial_id>/attacks/<int:position>/outcome/", views.record_outcome, name="outcome"),
    path("trials/<uuid:trial_id>/amend/", views.amend, name="amend"),
    path("trials/<uuid:trial_id>/result/", views.trial_result, name="trial_result"),
    path("tapers/<uuid:taper_id>/", views.taper, name="taper"),
    path("tapers/<uuid:taper_id>/steps/", views.taper_step, name="taper_step"),
    path("tapers/<uuid:taper_id>/sows/", views.taper_sows, name="taper_sows"),
    path("tapers/<uuid:taper_id>/last-intake/", views.taper_last_intake, name="taper_last_intake"),
    path("shared/<str:who>/decisions/", views.shared_decisions, name="shared_decisions"),
    path(
        "shared/<str:who>/trials/<uuid:trial_id>/result/",
        views.shared_trial_result,
        name="shared_trial_result",
    ),
]
