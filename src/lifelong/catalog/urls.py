from django.urls import path

from lifelong.catalog import views

app_name = "catalog"

urlpatterns = [
    path("learn/", views.learn, name="learn"),
    path("learn/live/", views.live, name="live"),
    path("learn/my/", views.my_learning, name="my"),
    path("learn/my/leaderboard/", views.leaderboard_opt_in, name="leaderboard"),
    path("learn/my/<int:enrolment_id>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("learn/courses/<int:course_id>/", views.course, name="course"),
    path("learn/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/courses/<int:course_id>/attend/", views.attend, name="attend"),
    path("learn/courses/<int:course_id>/units/<int:unit_id>/", views.player, name="player"),
    path(
        "learn/courses/<int:course_id>/units/<int:unit_id>/progress/",
        views.unit_progress,
        name="progress",
    ),
    path("learn/courses/<int:course_id>/units/<int:unit_id>/quiz/", views.quiz, name="quiz"),
]
