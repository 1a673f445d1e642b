from django.urls import path

from . import offices

app_name = "offices"

urlpatterns = [
    path("lookup/", offices.unit_lookup, name="unit_lookup"),
]
