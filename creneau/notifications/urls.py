from django.urls import path

from creneau.notifications import views

urlpatterns = [
    path("compte/sms/<slug:slug>/", views.sms_settings, name="sms-settings"),
    path("compte/sms/<slug:slug>/essai/", views.sms_test, name="sms-test"),
]
