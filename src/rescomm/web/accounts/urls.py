from django.urls import path

from . import views, views_invite, views_people

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("password/", views.ChangePasswordView.as_view(), name="password"),
    path("password/changed/", views.PasswordChangedView.as_view(), name="password-changed"),
    path("audit/", views.audit_log, name="audit"),
    path("people/", views_people.people, name="people"),
    path("people/invite/", views_invite.invite, name="invite"),
    path("people/<int:pk>/", views_people.person, name="person"),
    path("organisations/", views_people.organisations, name="organisations"),
    path("invite/done/", views_invite.invite_done, name="invite-done"),
    path("invite/<uidb64>/<token>/", views_invite.AcceptInviteView.as_view(),
         name="invite-accept"),
]
