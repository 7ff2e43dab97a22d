from django.urls import path

from relief.diary.views import attacks, days, entries, history

app_name = "diary"

urlpatterns = [
    path("attack/", attacks.attack_home, name="attack_home"),
    path("attack/start/", attacks.attack_start, name="attack_start"),
    path("attack/new/", attacks.attack_new, name="attack_new"),
    path("attack/<str:pk>/", attacks.attack_mode, name="attack"),
    path("attack/<str:pk>/pain/", attacks.attack_pain, name="attack_pain"),
    path("attack/<str:pk>/link-dose/", attacks.attack_link_dose, name="attack_link_dose"),
    path("attack/<str:pk>/symptom/", attacks.attack_symptom, name="attack_symptom"),
    path("attack/<str:pk>/bothersome/", attacks.attack_bothersome, name="attack_bothersome"),
    path("attack/<str:pk>/end/", attacks.attack_end, name="attack_end"),
    path("attack/<str:pk>/edit/", attacks.attack_edit, name="attack_edit"),
    path("attack/<str:pk>/delete/", attacks.attack_delete, name="attack_delete"),
    path("pain/<str:pk>/delete/", attacks.pain_delete, name="pain_delete"),
    path("history/", history.history, name="history"),
    path("history/<str:who>/", history.shared_history, name="shared_history"),
    path("checkin/", days.checkin, name="checkin"),
    path("checkin/<str:pk>/delete/", days.day_record_delete, name="day_record_delete"),
    path("side-effects/", entries.side_effects, name="side_effects"),
    path("side-effects/new/", entries.side_effect_new, name="side_effect_new"),
    path("side-effects/<str:pk>/", entries.side_effect_edit, name="side_effect_edit"),
    path("side-effects/<str:pk>/delete/", entries.side_effect_delete, name="side_effect_delete"),
    path("factors/", entries.factors, name="factors"),
    path("factors/<str:pk>/", entries.factor_edit, name="factor_edit"),
    path("factors/<str:pk>/delete/", entries.factor_delete, name="factor_delete"),
    path("questionnaires/", entries.questionnaires, name="questionnaires"),
    path("questionnaires/new/<str:instrument>/", entries.questionnaire_new, name="questionnaire_new"),
    path("questionnaires/<str:pk>/", entries.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<str:pk>/delete/", entries.questionnaire_delete, name="questionnaire_delete"),
]
