from django.shortcuts import render


def goal_list(request):
    return render(request, "goals/goal_list.html", {})
