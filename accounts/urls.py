from django.urls import path

from . import views

urlpatterns = [
    path("account/security/", views.security, name="account-security"),
    path("account/otp/enrol/", views.otp_enrol, name="otp-enrol"),
    path("account/otp/verify/", views.otp_verify, name="otp-verify"),
    path("account/otp/recovery/", views.otp_recovery, name="otp-recovery"),
    path("account/otp/remove/", views.otp_remove, name="otp-remove"),
]
