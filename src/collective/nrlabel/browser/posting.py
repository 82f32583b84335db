"""What every add-on view that changes something checks first."""

from plone import api
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from zExceptions import Unauthorized


def checked_post(request, permission=None, obj=None):
    """A POST with a valid CSRF token, by someone who has ``permission`` on ``obj``.

    The ZCML permission of a view protects the view's own context; a view that
    acts on another object (the programme's action plan, say) names it here.
    """
    PostOnly(request)
    CheckAuthenticator(request)
    if permission is not None and not api.user.has_permission(permission, obj=obj):
        raise Unauthorized(permission)
