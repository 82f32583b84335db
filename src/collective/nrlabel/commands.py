"""The ``nrlabel`` command: site set-up and referential import from a shell.

Each sub-command opens the Zope instance described by ``--zope-conf`` (the site
must not be served by another process with a FileStorage), works as a Manager,
and commits only if everything succeeded.
"""

from contextlib import contextmanager
from pathlib import Path

import argparse
import logging
import os
import sys
import transaction


DEFAULT_ZOPE_CONF = "instance/etc/zope.conf"


@contextmanager
def zope_app(zope_conf):
    """The Zope application root, with a request; commits on success, else aborts."""
    from Testing.makerequest import makerequest
    from zope.globalrequest import setRequest
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    make_wsgi_app({}, str(zope_conf))
    # Site creation logs many harmless warnings; the command prints what matters.
    logging.getLogger().setLevel(logging.ERROR)
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    try:
        yield app
        transaction.commit()
    except BaseException:
        transaction.abort()
        raise
    finally:
        setRequest(None)
        app._p_jar.close()


@contextmanager
def as_manager(app, site=None):
    """Act as the Zope ``admin`` user (or the system user when there is none)."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.users import system
    from zope.component.hooks import setSite

    user = app.acl_users.getUserById("admin")
    newSecurityManager(None, user.__of__(app.acl_users) if user else system)
    if site is not None:
        setSite(site)
    try:
        yield
        # Index while the site (and its utilities) is still set, not at commit.
        from Products.CMFCore.indexing import processQueue

        processQueue()
    finally:
        noSecurityManager()
        setSite(None)


def _site(app, site_id):
    site = app.get(site_id)
    if site is None:
        raise SystemExit(f"There is no Plone site {site_id!r} in this instance.")
    return site


def _terminal_language():
    """French or English, as the terminal's locale says (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``): the command's messages are in that language."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _say(message):
    """``message`` (an i18n message or a string) in the terminal's language.

    Before Zope has loaded its configuration (a locked database) there is no
    translation yet, and the English default is printed.
    """
    from zope.i18n import translate

    return translate(message, target_language=_terminal_language())


def _refuse(heading, problems=()):
    """Print why nothing was done on stderr; the command's exit code is 1."""
    print(_say(heading), file=sys.stderr)
    for problem in problems:
        print(f"  - {_say(problem)}", file=sys.stderr)
    return 1


def import_referential_command(args):
    from collective.nrlabel import _
    from collective.nrlabel.referential.model import ReferentialError
    from zc.lockfile import LockError

    path = Path(args.file)
    try:
        with zope_app(args.zope_conf) as app:
            data = _read_file(path)
            site = _site(app, args.site)
            with as_manager(app, site):
                referential = _import(args, data, path.name)
                if args.create_programme:
                    _create_programme(args, referential)
    except LockError:
        return _refuse(
            _(
                "command_error_database_in_use",
                default="Nothing was imported: the database is in use: stop the "
                "site first (Ctrl-C in the terminal running make start), or use "
                "the import form in the site.",
            )
        )
    except ReferentialError as error:
        return _refuse(
            _("command_nothing_imported", default="Nothing was imported:"),
            error.messages,
        )
    return 0


def _read_file(path):
    """The file's bytes; a file that cannot be read is a refusal, not a traceback."""
    from collective.nrlabel import _
    from collective.nrlabel.referential.model import ReferentialError

    try:
        return path.read_bytes()
    except OSError as error:
        raise ReferentialError(
            _(
                "command_error_read_file",
                default="Cannot read the file ${path}: ${reason}.",
                mapping={"path": str(path), "reason": error.strerror},
            )
        ) from None


def _import(args, data, filename):
    from collective.nrlabel.referential.importer import import_referential

    referential = import_referential(
        data,
        filename,
        id=args.id,
        version=args.version,
        title=args.title,
        language=args.language,
        replace=args.replace,
    )
    print(
        f"Imported referential {referential.id} {referential.version}: "
        f"{_counts(referential)}."
    )
    return referential


def _create_programme(args, referential):
    from collective.nrlabel import _
    from collective.nrlabel.referential.importer import create_programme
    from collective.nrlabel.referential.model import ReferentialError
    from plone import api

    container = api.content.get(path=args.create_programme)
    if container is None:
        raise ReferentialError(
            _(
                "command_error_no_folder",
                default="There is no folder at '${path}'.",
                mapping={"path": args.create_programme},
            )
        )
    programme = create_programme(
        container,
        args.programme_title or referential.text("title", args.language),
        referential.id,
    )
    print(f"Created programme {programme.absolute_url(relative=True)}.")


def _counts(referential):
    from collective.nrlabel.referential.model import CRITERION
    from collective.nrlabel.referential.model import PRINCIPLE
    from collective.nrlabel.referential.model import THEME

    return (
        f"{referential.count(THEME)} themes, {referential.count(PRINCIPLE)} principles, "
        f"{referential.count(CRITERION)} criteria"
    )


def setup_site_command(args):
    from collective.nrlabel.demo import ensure_admin
    from collective.nrlabel.demo import ensure_site

    admin_password = os.environ.get("ADMIN_PASSWORD") or "admin"
    with zope_app(args.zope_conf) as app:
        ensure_admin(app, admin_password)
    with zope_app(args.zope_conf) as app:
        with as_manager(app):
            site, created = ensure_site(app, args.site, args.language)
        if created:
            print(f"Created the Plone site {args.site!r} ({args.language}).")
        else:
            print(f"The Plone site {args.site!r} exists; its data is kept.")
            with as_manager(app, site):
                upgraded = upgrade_addon(site)
            if upgraded:
                print(
                    f"Upgraded collective.nrlabel from {upgraded[0]} to {upgraded[1]}."
                )
        if args.demo:
            _setup_demo(app, site, created)
    return 0


def upgrade_addon(site):
    """Run the add-on's pending upgrade steps on an existing site (the code was
    updated since the site was made); (from, to) versions, or None if it was up
    to date. Without it, a site kept by ``make start`` would lack what the new
    version's pages need (their permissions, workflows)."""
    setup_tool = site.portal_setup
    profile = "collective.nrlabel:default"
    before = setup_tool.getLastVersionForProfile(profile)
    target = setup_tool.getVersionForProfile(profile)
    if before == "unknown" or tuple(before) == (target,):
        return None
    setup_tool.upgradeProfile(profile)
    return ".".join(before), target


def _setup_demo(app, site, created):
    """The demo content on a new site; on a demo site made by an earlier run, the
    settings later versions added to it (each step idempotent)."""
    from collective.nrlabel.demo import ensure_demo
    from collective.nrlabel.demo import is_demo_site
    from collective.nrlabel.demo import theme_every_host

    if created:
        with as_manager(app, site):
            users = ensure_demo(site)
        print(f"Demo programme: /{site.getId()}/label-nr — start page: @@nr-home")
        _print_logins(users)
    elif is_demo_site(site):
        with as_manager(app, site):
            theme_every_host(site)
        print("Demo logins and passwords: make demo-users")


def _print_logins(users):
    print("Demo users (login / password / who):")
    for login, password, who in users:
        print(f"  {login:12} {password:26} {who}")


def demo_users_command(args):
    """The demo logins, from the code: no database is opened, so it works while
    the site is running."""
    from collective.nrlabel.demo import demo_logins

    print(f"Demo site: {args.url} — after logging in: {args.url}/@@nr-home")
    _print_logins(demo_logins())
    print(
        "The auditor reads the programme only while the demo audit's window is "
        "open (30 days from the site's creation)."
    )
    return 0


def send_reminders_command(args):
    from collective.nrlabel import clock
    from collective.nrlabel.reminders import expire_labels
    from collective.nrlabel.reminders import send_reminders
    from datetime import date

    # Workflow guards (a label's expiry) read the clock: set the date of
    # reference for the whole run, not only for the rules called here.
    day = date.fromisoformat(args.date) if args.date else None
    with zope_app(args.zope_conf) as app, clock.reference_date(day):
        site = _site(app, args.site)
        with as_manager(app, site):
            expired = expire_labels(on=day)
            mails, items = send_reminders(on=day)
    print(
        f"{expired} label(s) expired; {mails} reminder mail(s) about {items} item(s)."
    )
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="nrlabel", description="collective.nrlabel commands (Label NR for Plone)."
    )
    parser.add_argument(
        "--zope-conf",
        default=DEFAULT_ZOPE_CONF,
        help=f"the instance's zope.conf (default: {DEFAULT_ZOPE_CONF})",
    )
    parser.add_argument(
        "--site", default="Plone", help="the Plone site id (default: Plone)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_import_referential(commands)
    _add_setup_site(commands)
    _add_send_reminders(commands)
    _add_demo_users(commands)
    return parser


def _add_import_referential(commands):
    importer = commands.add_parser(
        "import-referential",
        help="import a referential (YAML, JSON, CSV or XLSX) into the site",
    )
    importer.add_argument("file", help="the referential file")
    importer.add_argument("--id", help="the referential's id (default: from the file)")
    importer.add_argument("--version", help="the referential's version")
    importer.add_argument("--title", help="the referential's title")
    importer.add_argument(
        "--language",
        default="fr",
        choices=("fr", "en"),
        help="language of texts not marked with one (default: fr)",
    )
    importer.add_argument(
        "--replace",
        action="store_true",
        help="replace an imported referential of that id",
    )
    importer.add_argument(
        "--create-programme",
        metavar="FOLDER_PATH",
        help="also create a programme from it in this folder (e.g. /intranet)",
    )
    importer.add_argument("--programme-title", help="title of the created programme")
    importer.set_defaults(run=import_referential_command)


def _add_setup_site(commands):
    setup = commands.add_parser(
        "setup-site", help="create the Plone site with the add-on if it does not exist"
    )
    setup.add_argument("--language", default="fr", choices=("fr", "en"))
    setup.add_argument(
        "--demo",
        action="store_true",
        help="also create demo users and a demo programme",
    )
    setup.set_defaults(run=setup_site_command)


def _add_send_reminders(commands):
    reminders = commands.add_parser(
        "send-reminders",
        help="mail today's reminders and expire labels (run daily from cron)",
    )
    reminders.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
    reminders.set_defaults(run=send_reminders_command)


def _add_demo_users(commands):
    demo = commands.add_parser(
        "demo-users",
        help="print the demo site's logins and passwords, and who they are",
    )
    demo.add_argument(
        "--url",
        default="http://127.0.0.1:8080/Plone",
        help="the demo site's address (default: http://127.0.0.1:8080/Plone)",
    )
    demo.set_defaults(run=demo_users_command)


def main(argv=None):
    args = _parser().parse_args(argv)
    from zc.lockfile import LockError

    try:
        return args.run(args)
    except LockError:
        # Every command but the import (which says "nothing was imported").
        from collective.nrlabel import _

        return _refuse(
            _(
                "command_error_database_locked",
                default="The database is in use: stop the site first (Ctrl-C in "
                "the terminal running make start), then run the command again.",
            )
        )


if __name__ == "__main__":
    sys.exit(main())
