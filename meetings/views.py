from django.shortcuts import render


def this_week(request):
    return render(request, "meetings/this_week.html", {})
