#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planbridge.settings")
    # manage.py is the developer's tool: development mode unless DEBUG=0 is set, as
    # docker-compose.yml and production do. gunicorn and Celery never pass through here,
    # so a server without SECRET_KEY still refuses to start.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
