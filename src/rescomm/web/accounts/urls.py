from django.urls import path

from . import sso, views, views_invite, views_people, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("sso/login/", sso.sign_in, name="sso-login"),
    path("sso/callback/", sso.CallbackView.as_view(), name="sso-callback"),
    path("two-factor/", views_two_factor.verify, name="two-factor"),
    path("two-factor/setup/", views_two_factor.set_up, name="two-factor-setup"),
    path("two-factor/recovery-codes/", views_two_factor.recovery_codes, name="recovery-codes"),
    path("password/", views.ChangePasswordView.as_view(), name="password"),
    path("password/changed/", views.PasswordChangedView.as_view(), name="password-changed"),
    path("audit/", views.audit_log, name="audit"),
    path("people/", views_people.people, name="people"),
    path("people/invite/", views_invite.invite, name="invite"),
    path("people/<int:pk>/", views_people.person, name="person"),
    path("people/<int:pk>/two-factor/reset/", views_two_factor.reset, name="two-factor-reset"),
    path("organisations/", views_people.organisations, name="organisations"),
    path("invite/done/", views_invite.invite_done, name="invite-done"),
    path("invite/<uidb64>/<token>/", views_invite.AcceptInviteView.as_view(),
         name="invite-accept"),
]
