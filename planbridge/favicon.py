"""/favicon.ico for the browsers and feed readers that ask for it without reading the
page's icon links (templates/base.html): a redirect to the static file, whose URL carries
the file's hash in production, so the redirect is not permanent."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def favicon(request):
    return HttpResponseRedirect(static("favicon.ico"))
