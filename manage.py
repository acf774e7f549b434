#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planbridge.settings")
    # manage.py is also the developer's tool: on a checkout that configures nothing (neither
    # DEBUG nor SECRET_KEY, in the environment or in .env) it runs in development mode. The
    # settings decide after reading .env, so a host that sets DEBUG=0 or a SECRET_KEY there
    # runs its cron commands in production mode.
    os.environ.setdefault("PLANBRIDGE_MANAGE_PY", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
