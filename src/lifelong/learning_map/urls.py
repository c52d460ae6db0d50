from django.urls import path

from lifelong.learning_map import views

app_name = "learning_map"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/places/<int:place_id>/", views.place_page, name="place"),
    path("map/routes/", views.routes_page, name="routes"),
    path("map/routes/<int:route_id>/", views.route_page, name="route"),
    path("map/events/", views.events_page, name="events"),
    path("map/events/<int:event_id>/", views.event_page, name="event"),
    path("map/bases/", views.bases_page, name="bases"),
    path("map/volunteers/", views.volunteers_page, name="volunteers"),
    path("map/sessions/<int:session_id>/", views.session_page, name="session"),
    path("map/sessions/<int:session_id>/book/", views.book_session_form, name="book"),
    path("map/sessions/<int:session_id>/cancel/", views.cancel_booking_form, name="cancel"),
    path("map/checkin/<str:code>/", views.checkin_page, name="checkin"),
]
