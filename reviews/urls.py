from django.urls import path

from . import digest_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("my-digest/", digest_views.my_digest, name="my_digest"),
]
